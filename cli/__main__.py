from gradcli.app import main

main()
