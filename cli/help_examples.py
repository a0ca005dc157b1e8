"""The examples each command's --help ends with (typer's epilog). `\b` keeps click from
re-wrapping the lines of the paragraph it starts."""

EXAMPLES = {
    "eval": [
        "gradcli eval \"y = (x+w)*(w+1)\" --at x=2. --at w=3.",
        "gradcli eval \"y = x*x\" -a \"x=[1.,2.,3.]\" --grad \"ones_like(y)\"",
        "gradcli eval \"z = (x*w)**2; torch.autograd.grad(z, w, grad_outputs=torch.ones_like(z))\""
        " -a \"x=[1.,2.]\" -a \"w=[3.,4.]\"",
        "gradcli eval \"y = (x@w).tanh().sum()\" -a \"x=randn(6,4)\" -a \"w=randn(4,5)\" --width 120",
        "gradcli eval \"y = (x*x).sum()\" -a \"x=randn(1000,1000)\" --summary --format json",
        "gradcli eval -f examples/cases.txt --format json",
        "gradcli eval --at x=2.        (on a terminal: an interactive prompt)",
    ],
    "check": [
        "gradcli check \"y = tanh(x)\" -a \"x=[0.5, -1.]\"",
        "gradcli check \"y = x**3\" -a x=2. --claim \"x: 3*x**2\"",
        "gradcli check \"y = sin(x)*x\" -a x=1. --claim \"x: cos(x)*x + sin(x)\" --samples 20",
    ],
    "graph": [
        "gradcli graph \"y = (x+w)*(w+1)\" -a x=2. -a w=3.",
        "gradcli graph \"y = x.exp().sum()\" -a \"x=[1.,2.]\" --format mermaid",
        "gradcli graph \"y = x*w\" -a x=2. -a w=3. --render g.svg",
    ],
    "explain": [
        "gradcli explain \"y = (x+w)*(w+1)\" -a x=2. -a w=3.",
        "gradcli explain \"y = x*x\" -a \"x=[1.,2.]\" --grad \"tensor([1., 0.5])\" --format plain",
        "COLUMNS=80 gradcli explain \"y = (x@w).sum()\" -a \"x=ones(3,4)\" -a \"w=ones(4,5)\" | less",
    ],
    "derive": [
        "gradcli derive \"y = sin(x)*w\"",
        "gradcli derive \"y = 1/(w*(x+1))\" --format latex",
        "gradcli derive \"y = exp(x)*x\" --order 2 --at x=1.",
        "gradcli derive \"y = x@A@x\" --shape x=3 --shape A=3,3",
        "gradcli derive \"y = norm(x)\" --hessian --at \"x=[1.,2.,2.]\"",
    ],
    "plot": [
        "gradcli plot \"y = tanh(x)\" --range=-3,3",
        "gradcli plot \"y = sin(x)\" --range=-3,3 --order 2 --format plain",
        "gradcli plot \"y = x**2*w\" --range=-1,1 --at w=2. -o y.png",
    ],
    "run": [
        "gradcli run examples/programs/leaf_gradfn.py",
        "cat prog.py | gradcli run -",
    ],
}


def epilog(command: str) -> str:
    lines = EXAMPLES[command]
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)
