"""Global grad mode: torch.no_grad() / torch.enable_grad() / torch.set_grad_enabled()."""

_enabled = [True]


def is_enabled() -> bool:
    return _enabled[0]


class set_grad_enabled:
    """Context manager (and plain call) that sets grad mode, restoring it on exit."""

    def __init__(self, mode: bool):
        self.prev = _enabled[0]
        _enabled[0] = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _enabled[0] = self.prev
        return False


class no_grad(set_grad_enabled):
    def __init__(self):
        self.mode = False

    def __enter__(self):
        self.prev = _enabled[0]
        _enabled[0] = False
        return self


class enable_grad(no_grad):
    def __enter__(self):
        self.prev = _enabled[0]
        _enabled[0] = True
        return self
