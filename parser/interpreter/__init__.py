"""The case interpreter: expression trees evaluated (evaluate.py) and one case's
statements run forward into graph nodes (case.py)."""
