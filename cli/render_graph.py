"""graph's output forms from one GraphView: a Rich tree, Graphviz DOT (torchviz's look),
a Mermaid flowchart and JSON. Every walk is iterative (graphs 100,000 deep)."""

import json

import numpy as np

from .records import error_record, json_value

TREE_DEPTH = 40      # deeper levels of the tree are summarised (a chain of 100,000 is a line)
TREE_VALUE = 48      # characters of a value shown in the tree before it is cut
LABEL_ELEMENTS = 6   # DOT/Mermaid labels show values of at most this many elements

# torchviz's palette: leaves light blue, ops light grey, the output green; constants
# (None in next_functions) dashed white, detached tensors orange.
FILL = {"leaf": "lightblue", "op": "lightgrey", "accumulate": "lightgrey",
        "constant": "white", "output": "darkolivegreen1", "detached": "orange"}
MERMAID_FILL = {"leaf": "#add8e6", "op": "#d3d3d3", "accumulate": "#eeeeee",
                "constant": "#ffffff", "output": "#caff70", "detached": "#ffa500"}


def _shape(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


_SCALARS: dict = {}  # (dtype, value) -> text: a long chain repeats its constants


def value_text(a) -> str:
    """A tensor's values on one line, as PyTorch prints them (0-d results memoised)."""
    from gradcli.engine.torch_repr import tensor_body

    from .render_eval import one_line

    a = np.asarray(a)
    if a.ndim == 0:
        key = (a.dtype.char, a.tobytes())  # bytes: -0. and 0. print differently
        text = _SCALARS.get(key)
        if text is None:
            if len(_SCALARS) > 100_000:
                _SCALARS.clear()
            text = _SCALARS[key] = tensor_body(a)
        return text
    return one_line(tensor_body(a))


def heading(result) -> str:
    """`line 3: y=x*2` for a case; `program prog.py: loss` for a program's tensor
    (--program: no line)."""
    if result.line is None:
        return f"program {result.source}: {result.output}"
    return f"line {result.line}: {result.source}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _style_of(n) -> str:
    if n.is_output:
        return "output"
    if n.kind == "constant" and n.detached:
        return "detached"
    return n.kind


def label_lines(n) -> list:
    """The lines of a node's label in DOT and Mermaid (values only when small)."""
    small = n.value is not None and np.size(n.value) <= LABEL_ELEMENTS
    if n.kind == "accumulate":
        return ["AccumulateGrad"]
    if n.kind == "op":
        lines = [n.grad_fn, f"{n.id} {_shape(n.shape)}"]
    elif n.kind == "leaf":
        lines = [f"{n.id} {_shape(n.shape)}"]
    else:
        lines = [f"{n.id} {'detached' if n.detached else 'constant'} {_shape(n.shape)}"]
    if small:
        lines.append(f"= {value_text(n.value)}")
    if n.grad is not None:
        lines.append(f"grad {value_text(n.grad) if np.size(n.grad) <= LABEL_ELEMENTS else '…'}")
    return lines


# ---------------------------------------------------------------- DOT


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(result) -> str:
    view = result.view
    title = heading(result)
    out = [f"digraph {_dot_str(title.partition(': ')[0])} {{",
           f"\tgraph [label={_dot_str(title)} labelloc=t fontname=monospace fontsize=10 "
           "ordering=in]",
           "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 "
           "shape=box style=filled]"]
    names = {n.id: f"n{i}" for i, n in enumerate(view.nodes)}
    for n in view.nodes:
        label = "\\n".join(_dot_str(x)[1:-1] for x in label_lines(n))
        attrs = [f'label="{label}"', f"fillcolor={FILL[_style_of(n)]}"]
        if n.kind == "constant":
            attrs.append('style="filled,dashed" shape=ellipse')
        out.append(f"\t{names[n.id]} [{' '.join(attrs)}]")
    for e in view.edges:
        out.append(f"\t{names[e.src]} -> {names[e.dst]}")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("#", "#35;")
            .replace("#35;amp;", "#amp;").replace("#35;quot;", "#quot;")
            .replace("<", "#lt;").replace(">", "#gt;"))


def mermaid(result) -> str:
    view = result.view
    out = [f"%% {heading(result)}", "flowchart TB"]
    names = {n.id: f"n{i}" for i, n in enumerate(view.nodes)}
    classes: dict = {}
    for n in view.nodes:
        text = "<br/>".join(_mermaid_text(x) for x in label_lines(n))
        open_, close = {"leaf": ("([", "])"), "accumulate": ("[[", "]]"),
                        "constant": ("{{", "}}")}.get(n.kind, ("[", "]"))
        out.append(f'  {names[n.id]}{open_}"{text}"{close}')
        classes.setdefault(_style_of(n), []).append(names[n.id])
    for e in view.edges:
        out.append(f"  {names[e.src]} --> {names[e.dst]}")
    for style, ids in classes.items():
        dash = ",stroke-dasharray: 4 3" if style in ("constant", "detached") else ""
        out.append(f"  classDef {style} fill:{MERMAID_FILL[style]},stroke:#333{dash}")
        out.append(f"  class {','.join(ids)} {style}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- JSON


def record(result) -> dict:
    view = result.view
    rec = {"line": result.line, "source": result.source, "output": result.output,
           "backward": result.backward, "note": result.note, "nodes": [], "edges": [],
           "unreachable": [], "error": error_record(result.error)
           if result.error is not None else None}
    if view is None:
        return rec
    rec["nodes"] = [{
        "id": n.id, "kind": n.kind, "grad_fn": n.grad_fn, "shape": list(n.shape),
        "dtype": n.dtype, "value": json_value(n.value) if n.value is not None else None,
        "grad": json_value(n.grad) if n.grad is not None else None,
        "requires_grad": n.requires_grad, "is_output": n.is_output, "detached": n.detached,
        "variable": n.variable} for n in view.nodes]
    rec["edges"] = [{"from": e.src, "to": e.dst, "input_index": e.input_index}
                    for e in view.edges]
    rec["unreachable"] = list(view.unreachable)
    return rec


def json_line(result) -> str:
    return json.dumps(record(result), ensure_ascii=False)


# ---------------------------------------------------------------- the Rich tree


def _tree_label(n, by_id, repeated: bool):
    from rich.text import Text

    parts = []
    if n.kind == "accumulate":
        leaf = by_id[n.variable]
        parts += [("AccumulateGrad", "magenta"), (" → ", ""), (leaf.id, "bold cyan"),
                  (" (leaf)", "")]
        n = leaf
    elif n.kind == "op":
        parts += [(n.id, "bold cyan"), (" ", ""), (n.grad_fn, "magenta")]
    elif n.kind == "leaf":
        parts += [(n.id, "bold cyan"), (" (leaf)", "")]
    else:
        what = "detached (requires no grad)" if n.detached else \
            "constant (None in next_functions)"
        parts += [(n.id, "bold"), (f" {what}", "yellow" if n.detached else "dim")]
    if repeated:
        parts.append(("  (expanded elsewhere in this tree)", "dim"))
        return Text.assemble(*parts)
    if n.kind == "op" and n.expr is not None and n.expr != n.id:
        parts.append((f" = {_cut(n.expr, TREE_VALUE)}", "dim"))
    parts.append((f"  shape {_shape(n.shape)}", ""))
    if n.value is not None:
        parts.append((f"  value {_cut(value_text(n.value), TREE_VALUE)}", ""))
    if n.kind != "constant":
        grad = _cut(value_text(n.grad), TREE_VALUE) if n.grad is not None else "None"
        parts.append((f"  grad {grad}", "green" if n.grad is not None else "dim"))
    return Text.assemble(*parts)


def tree(result):
    """The graph as a Rich tree from the output: children are next_functions in order.
    A node met again is named, not repeated (a DAG is not unfolded); levels deeper than
    TREE_DEPTH are summarised in one line."""
    from rich.console import Group
    from rich.text import Text
    from rich.tree import Tree

    view = result.view
    header = Text(heading(result), style="bold")
    if view is None or view.output is None:
        return header
    by_id = view.by_id()
    kids = view.children()
    root = Tree(_tree_label(by_id[view.output], by_id, False), guide_style="dim")
    expanded = {view.output}
    cut = 0
    stack = [(view.output, root, 0)]
    while stack:
        node_id, branch, depth = stack.pop()
        children = kids.get(node_id, [])
        if children and depth >= TREE_DEPTH:
            cut += 1
            branch.add(Text(f"… deeper inputs not shown (tree depth limit {TREE_DEPTH}; "
                            f"--format json, dot or mermaid shows the whole graph)",
                            style="yellow"))
            continue
        pending = []
        for _, child in children:
            node = by_id[child]
            repeated = child in expanded
            sub = branch.add(_tree_label(node, by_id, repeated))
            if not repeated:
                expanded.add(child)
                if node.kind == "op":
                    pending.append((child, sub, depth + 1))
        stack.extend(reversed(pending))
    parts = [header, root]
    notes = []
    if result.note:
        notes.append(result.note)
    if view.unreachable:
        notes.append(f"not in the graph of {view.output}: {', '.join(view.unreachable)}")
    parts += [Text(n, style="dim") for n in notes]
    return Group(*parts)
