"""gradcli: autograd in PyTorch notation, from the command line."""
