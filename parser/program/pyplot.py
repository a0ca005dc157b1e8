"""`matplotlib.pyplot` for `gradcli run` programs: a recorder, replayed into matplotlib.

A program's pyplot calls (plt.plot, fig, ax = plt.subplots(), ax.scatter, plt.savefig,
...) are recorded per figure, with their data copied to numpy arrays at the time of the
call (a program goes on changing its tensors in place). Nothing is drawn while the
program runs: with `--plots DIR`, `write(DIR)` replays every figure that was shown,
saved, or still open when the program ended into matplotlib (Agg backend, so no window
system) and writes it to DIR: `figure-1.png`, `figure-2.png`, ... or the name given to
savefig, reduced to its base name so nothing is ever written outside DIR. Without
`--plots` the calls are checked and answered the same way but not kept, as under a
non-interactive backend: the program's output does not change.

pyplot's own state rules are kept: the current figure and axes, plt.subplot reusing an
axes with the same position, plt.show closing the figures it showed (as when the user
closes the windows; in interactive mode, plt.ion(), they stay open and are written as
they finally are), figure numbers. Calls that read matplotlib's state (plt.xlim() with no
arguments, line.get_color()) cannot be answered before anything is drawn: they raise
NotImplementedError naming the call, never a made-up value.

matplotlib is imported only by write(); the recorder itself needs numpy alone."""

import os

import numpy as np

from ...engine.tensor import Tensor

# pyplot functions that act on the current axes (replayed as pyplot calls there)
AXES_FUNCTIONS = frozenset("""
    annotate arrow axhline axhspan axis axvline axvspan bar barh boxplot broken_barh clim
    colorbar contour contourf errorbar fill fill_between fill_betweenx grid hexbin hist
    hist2d hlines imshow legend locator_params loglog margins matshow minorticks_off
    minorticks_on pcolor pcolormesh pie plot quiver scatter semilogx semilogy stackplot
    stairs stem step text tick_params title tricontour tricontourf triplot violinplot
    vlines xlabel xlim xscale xticks ylabel ylim yscale yticks""".split())
# pyplot functions that act on the current figure
FIGURE_FUNCTIONS = frozenset("figlegend figtext subplots_adjust suptitle supxlabel "
                             "supylabel tight_layout".split())
# methods of Axes and Figure objects that are recorded and replayed as they are
AXES_METHODS = AXES_FUNCTIONS - {"xlim", "ylim", "xlabel", "ylabel", "title", "xscale",
                                 "yscale", "xticks", "yticks", "clim", "colorbar"} | frozenset("""
    add_patch autoscale cla clear invert_xaxis invert_yaxis label_outer relim set
    set_aspect set_axis_off set_axis_on set_facecolor set_title set_xlabel set_xlim
    set_xscale set_xticklabels set_xticks set_ylabel set_ylim set_yscale set_yticklabels
    set_yticks twinx twiny inset_axes axline""".split())
FIGURE_METHODS = FIGURE_FUNCTIONS - {"figlegend", "figtext"} | frozenset("""
    add_axes add_subplot clear clf colorbar gca legend savefig set_dpi set_facecolor
    set_figheight set_figwidth set_size_inches show subplots text""".split())
_RETURNS_AXES = frozenset(("add_subplot", "add_axes", "gca", "twinx", "twiny",
                           "inset_axes"))
_RETURNS_LINES = frozenset(("plot", "semilogx", "semilogy", "loglog"))
_READS = {"xlim": "the x limits", "ylim": "the y limits", "xticks": "the x ticks",
          "yticks": "the y ticks", "axis": "the axis limits"}
_FIGURE_KW = frozenset(("num", "figsize", "dpi", "facecolor", "edgecolor", "frameon",
                        "clear", "layout", "constrained_layout", "tight_layout"))


class Recorder:
    """What `import matplotlib.pyplot as plt` gives a program."""

    def __init__(self, enabled: bool = False):
        self._enabled = enabled  # keep the calls (with --plots) or only answer them
        self._open: dict = {}     # number -> open _Figure, in creation order
        self._current = None      # the current _Figure
        self._interactive = False
        self._entries: list = []  # [figure, calls or None (its final state), name, kwargs]
        self.rcParams: dict = {}  # copied into each new figure, applied when replayed
        self.cm = _Colormaps()
        self.style = _Style(self)
        self._styles: list = []

    # -- figures and axes (pyplot's state)
    def figure(self, num=None, figsize=None, dpi=None, **kwargs):
        if isinstance(num, _Figure):
            num = num.number
        if num is not None:
            for fig in self._open.values():
                if fig.number == num or fig._label == num:
                    self._current = fig
                    return fig
        number = num if isinstance(num, int) else max(self._open, default=0) + 1
        kw = {k: v for k, v in (("figsize", figsize), ("dpi", dpi)) if v is not None}
        kw.update(kwargs)
        fig = _Figure(self, number, num if isinstance(num, str) else "", _data(kw))
        self._open[number] = fig
        self._current = fig
        return fig

    def gcf(self):
        return self._current if self._current is not None else self.figure()

    def gca(self):
        return self.gcf().gca()

    def sca(self, ax):
        if not isinstance(ax, _Axes):
            raise TypeError("sca() expects an Axes")
        self._current = ax._fig
        ax._fig._gca = ax

    def subplot(self, *args, **kwargs):
        fig = self.gcf()
        if len(args) == 1 and isinstance(args[0], int) and 111 <= args[0] <= 999:
            args = tuple(int(c) for c in str(args[0]))
        key = repr((args, sorted(kwargs.items())))
        ax = fig._subplots.get(key)
        if ax is None:
            ax = fig._record(fig, "plt.subplot", args, kwargs, _Axes(fig))
            fig._subplots[key] = ax
        fig._gca = ax
        return ax

    def subplots(self, nrows=1, ncols=1, **kwargs):
        fig_kw = {k: kwargs.pop(k) for k in list(kwargs) if k in _FIGURE_KW}
        fig = self.figure(**fig_kw)
        return fig, fig.subplots(nrows, ncols, **kwargs)

    def close(self, fig=None):
        if fig == "all":
            for f in list(self._open.values()):
                self._close(f)
            return
        if fig is None:
            target = self._current
        elif isinstance(fig, _Figure):
            target = fig
        else:
            target = next((f for f in self._open.values()
                           if f.number == fig or f._label == fig), None)
        if target is not None:
            self._close(target)

    def _close(self, fig):
        self._open.pop(fig.number, None)
        fig._final = len(fig._calls)
        if self._current is fig:
            self._current = list(self._open.values())[-1] if self._open else None

    def clf(self):
        self.gcf().clf()

    def cla(self):
        self.gca().cla()

    # -- showing and saving
    def savefig(self, fname, **kwargs):
        self.gcf().savefig(fname, **kwargs)

    def show(self, block=None):
        for fig in list(self._open.values()):
            if self._interactive:
                self._live(fig)
            else:
                self._shown(fig)
                self._close(fig)

    def pause(self, interval):
        if self._current is not None:
            self._live(self._current)

    def draw(self):
        if self._current is not None and self._interactive:
            self._live(self._current)

    def ion(self):
        self._interactive = True

    def ioff(self):
        self._interactive = False

    def isinteractive(self):
        return self._interactive

    def get_cmap(self, name=None, lut=None):
        return _Colormap(name if name is not None else "viridis")

    def get_fignums(self):
        return sorted(self._open)

    def matplotlib_module(self):
        """What `import matplotlib` gives the program: .pyplot (this recorder), .use()
        (a no-op: the backend is always Agg, when drawing), .rcParams, .cm."""
        return _Matplotlib(self)

    def _shown(self, fig):
        n = len(fig._calls)
        last = next((e for e in reversed(self._entries) if e[0] is fig), None)
        if last is not None and last[1] == n:  # saved (or shown) just as it is now
            return
        self._entries.append([fig, n, None, {}])

    def _live(self, fig):
        if not fig._live:
            fig._live = True
            self._entries.append([fig, None, None, {}])

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in AXES_FUNCTIONS:
            return lambda *args, **kwargs: self._axes_function(name, args, kwargs)
        if name in FIGURE_FUNCTIONS:
            return lambda *args, **kwargs: self._figure_function(name, args, kwargs)
        raise AttributeError(f"module 'matplotlib.pyplot' has no attribute '{name}' (or "
                             f"gradcli's recorder does not draw it)")

    def _axes_function(self, name, args, kwargs):
        if name in _READS and not args and not kwargs:
            raise NotImplementedError(f"plt.{name}() without arguments reads {_READS[name]}, "
                                      f"which gradcli's pyplot recorder cannot know before "
                                      f"drawing; set them instead")
        ax = self.gca()
        result = ax._fig._record(ax, "plt." + name, args, kwargs)
        if name in ("xlim", "ylim") and len(args) == 2:
            return tuple(float(a) for a in args)
        return result

    def _figure_function(self, name, args, kwargs):
        fig = self.gcf()
        return fig._record(fig, "plt." + name, args, kwargs, _Artist(fig, "Artist"))

    # -- the output
    def pending(self) -> int:
        """How many pictures write() would write now."""
        return len(self._plan())

    def _plan(self) -> list:
        entries = [list(e) for e in self._entries]
        for fig in self._open.values():  # still open at the end: written as they are
            final = len(fig._calls)
            if not any(e[0] is fig and e[1] in (None, final) for e in entries):
                entries.append([fig, final, None, {}])
        for e in entries:
            if e[1] is None:  # shown live: its last state
                fig = e[0]
                e[1] = fig._final if fig._final is not None else len(fig._calls)
        return entries

    def write(self, directory: str) -> tuple[list, list]:
        """Draw every picture into `directory` (made if missing). Returns (the paths
        written, one error line per picture that matplotlib could not draw)."""
        entries = self._plan()
        if not entries:  # nothing drawn: DIR is not even made
            return [], []
        os.makedirs(directory, exist_ok=True)
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt

        taken = {e[2] for e in entries if e[2] is not None}
        written, errors, auto = [], [], 0
        for fig, ncalls, name, kwargs in entries:
            if name is None:
                auto += 1
                while f"figure-{auto}.png" in taken:
                    auto += 1
                name = f"figure-{auto}.png"
            path = os.path.join(directory, name)
            try:
                _replay(plt, fig, ncalls, path, kwargs)
                written.append(path)
            except Exception as e:  # noqa: BLE001 - matplotlib refused the program's call
                errors.append(f"{name}: {type(e).__name__}: {e}")
            finally:
                plt.close("all")
        return written, errors


class _Obj:
    """A recorded matplotlib object: its method calls are recorded on its figure."""

    _TYPE = "Artist"
    _METHODS: frozenset = frozenset()

    def __init__(self, fig):
        self._fig = fig

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name.startswith("get_"):
            raise NotImplementedError(f"{self._TYPE}.{name}() reads matplotlib's state, which "
                                      f"gradcli's pyplot recorder cannot know before drawing")
        if name in self._METHODS or (self._TYPE not in ("Figure", "Axes") and
                                     (name.startswith("set_") or name in ("set", "remove"))):
            return lambda *args, **kwargs: self._fig._record(self, name, args, kwargs)
        raise AttributeError(f"'{self._TYPE}' object has no attribute '{name}' (or gradcli's "
                             f"pyplot recorder does not draw it)")

    def __repr__(self):
        return f"<{self._TYPE}>"


class _Artist(_Obj):
    def __init__(self, fig, kind):
        super().__init__(fig)
        self._TYPE = kind


class _Axes(_Obj):
    _TYPE = "Axes"
    _METHODS = AXES_METHODS

    def __init__(self, fig):
        super().__init__(fig)
        fig._axes.append(self)

    @property
    def figure(self):
        return self._fig

    def twinx(self):
        return self._fig._record(self, "twinx", (), {}, _Axes(self._fig))

    def twiny(self):
        return self._fig._record(self, "twiny", (), {}, _Axes(self._fig))


class _Figure(_Obj):
    _TYPE = "Figure"
    _METHODS = FIGURE_METHODS

    def __init__(self, recorder, number, label, kwargs):
        super().__init__(self)
        self._rec = recorder
        self.number = number
        self._label = label
        self._kwargs = kwargs
        self._rc = dict(recorder.rcParams)
        self._styles = list(recorder._styles)
        self._calls: list = []
        self._axes: list = []      # its Axes, in creation order (fig.axes)
        self._subplots: dict = {}
        self._gca = None
        self._live = False
        self._final = None  # the calls recorded when it was closed

    def _record(self, target, name, args, kwargs, result=None):
        args, kwargs = _data(args), _data(kwargs)  # checked (and copied) either way
        if result is None:
            result = _returns(name, self, args, kwargs)
        if self._rec._enabled:
            self._calls.append((target, name, args, kwargs, result))
        return result

    def gca(self):
        if self._gca is None:
            self._gca = self._record(self, "gca", (), {}, _Axes(self))
        return self._gca

    def add_subplot(self, *args, **kwargs):
        self._gca = self._record(self, "add_subplot", args, kwargs, _Axes(self))
        return self._gca

    def add_axes(self, *args, **kwargs):
        self._gca = self._record(self, "add_axes", args, kwargs, _Axes(self))
        return self._gca

    def subplots(self, nrows=1, ncols=1, *, squeeze=True, **kwargs):
        grid = np.empty((nrows, ncols), dtype=object)
        for i in range(nrows):
            for j in range(ncols):
                grid[i, j] = _Axes(self)
        if squeeze and nrows == ncols == 1:
            axes = grid[0, 0]
        elif squeeze and (nrows == 1 or ncols == 1):
            axes = grid.reshape(-1)
        else:
            axes = grid
        self._record(self, "subplots", (nrows, ncols), dict(kwargs, squeeze=squeeze), axes)
        self._gca = grid[-1, -1]
        return axes

    @property
    def axes(self):
        return list(self._axes)

    def clf(self, keep_observers=False):
        self._record(self, "clf", (), {})
        self._axes.clear()
        self._subplots.clear()
        self._gca = None

    clear = clf

    def savefig(self, fname, **kwargs):
        name = None
        if isinstance(fname, (str, os.PathLike)):
            name = os.path.basename(os.fspath(fname))
            if name in ("", ".", ".."):
                name = None
            elif not os.path.splitext(name)[1] and "format" not in kwargs:
                name += ".png"  # matplotlib's default savefig.format
        self._rec._entries.append([self, len(self._calls), name, _data(kwargs)])

    def show(self, warn=True):
        self._rec._shown(self)


class _Matplotlib:
    def __init__(self, recorder):
        self.pyplot = recorder
        self.rcParams = recorder.rcParams
        self.cm = recorder.cm

    def use(self, backend, force=True):
        pass

    def __repr__(self):
        return "<module 'matplotlib'>"


class _Colormap:
    """plt.cm.NAME / plt.get_cmap(NAME): the colormap, looked up when replayed."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<Colormap {self.name!r}>"


class _Colormaps:
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _Colormap(name)


class _Style:
    def __init__(self, recorder):
        self._rec = recorder

    def use(self, style):
        self._rec._styles.append(style)


def _returns(name, fig, args, kwargs):
    """What a recorded call gives the program back (the same shape as matplotlib's)."""
    if name.startswith("plt."):
        name = name[4:]
    if name in _RETURNS_AXES:
        return _Axes(fig)
    if name in _RETURNS_LINES:
        return [_Artist(fig, "Line2D") for _ in range(_line_count(args))]
    if name == "hist":
        return _histogram(args, kwargs) + (_Artist(fig, "BarContainer"),)
    return _Artist(fig, "Artist")


def _line_count(args) -> int:
    """plot(x, y, fmt, x2, y2, ...): one line per y (per column of a 2-D x or y), args
    grouped as matplotlib groups them."""
    args, count = list(args), 0
    while args:
        this, args = args[:2], args[2:]
        if args and isinstance(args[0], str):
            this, args = this + args[:1], args[1:]
        data = [a for a in this if not isinstance(a, str)]
        count += max([np.shape(a)[1] if np.ndim(a) == 2 else 1 for a in data] or [0])
    return max(count, 1)


def _histogram(args, kwargs):
    """plt.hist's (n, bins): numpy's histogram, as matplotlib computes it."""
    x = args[0] if args else kwargs.get("x")
    bins = args[1] if len(args) > 1 else kwargs.get("bins", 10)
    rng = kwargs.get("range")
    weights = kwargs.get("weights")
    data = np.asarray(x, dtype=np.float64)
    datasets = [data] if data.ndim <= 1 else list(data.T)
    if rng is None and not isinstance(bins, (list, tuple, np.ndarray)):
        finite = [d[np.isfinite(d)] for d in datasets]
        nonempty = [d for d in finite if d.size]
        if nonempty:
            rng = (min(d.min() for d in nonempty), max(d.max() for d in nonempty))
    tops = []
    for d in datasets:
        w = None if weights is None else np.asarray(weights, np.float64).reshape(d.shape)
        n, edges = np.histogram(d, bins=bins, range=rng, weights=w,
                                density=bool(kwargs.get("density", False)))
        tops.append(n)
    tops = np.array(tops, float)
    if kwargs.get("cumulative"):
        tops = np.cumsum(tops, axis=1)
    return (tops[0] if len(datasets) == 1 else list(tops)), edges


_GRAD_NUMPY = ("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
               "instead.")


def _data(value):
    """The program's values as matplotlib would take them, copied now: tensors (as
    np.asarray(tensor) does, refusing one that requires grad) and arrays."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise RuntimeError(_GRAD_NUMPY)
        return np.array(value.data, copy=True)
    if isinstance(value, np.ndarray):
        return value.copy() if value.dtype != object else \
            np.array([_data(v) for v in value.reshape(-1)], dtype=object).reshape(value.shape)
    if type(value) in (list, tuple):
        return type(value)(_data(v) for v in value)
    if type(value) is dict:
        return {k: _data(v) for k, v in value.items()}
    if isinstance(value, (str, bytes, int, float, complex, bool, _Obj, _Colormap)) \
            or value is None:
        return value
    if hasattr(value, "__array__"):  # another array type (a torch tensor in tests)
        return np.asarray(value).copy()
    return value


def _replay(plt, fig, ncalls, path, savekw):
    """Draw the figure's first `ncalls` calls with matplotlib and save it to `path`."""
    real: dict = {}
    with plt.style.context(fig._styles or "default"), plt.rc_context(fig._rc):
        kw = {k: v for k, v in fig._kwargs.items() if k not in ("num", "clear")}
        real_fig = plt.figure(**kw)
        real[id(fig)] = real_fig
        for target, name, args, kwargs, result in fig._calls[:ncalls]:
            args, kwargs = _resolve(args, real), _resolve(kwargs, real)
            if name.startswith("plt."):
                plt.figure(real_fig)
                if isinstance(target, _Axes):
                    plt.sca(real[id(target)])
                out = getattr(plt, name[4:])(*args, **kwargs)
            else:
                out = getattr(real[id(target)], name)(*args, **kwargs)
            _bind(result, out, real)
        real_fig.savefig(path, **savekw)


def _resolve(value, real):
    if isinstance(value, _Obj):
        return real[id(value)]
    if isinstance(value, _Colormap):
        import matplotlib

        return matplotlib.colormaps[value.name]
    if type(value) in (list, tuple):
        return type(value)(_resolve(v, real) for v in value)
    if type(value) is dict:
        return {k: _resolve(v, real) for k, v in value.items()}
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.array([_resolve(v, real) for v in value.reshape(-1)],
                        dtype=object).reshape(value.shape)
    return value


def _bind(proxy, out, real):
    """Pair what the program was given with what matplotlib returned."""
    if isinstance(proxy, _Obj):
        real[id(proxy)] = out
    elif isinstance(proxy, (list, tuple)) and isinstance(out, (list, tuple)):
        for p, o in zip(proxy, out, strict=False):
            _bind(p, o, real)
    elif isinstance(proxy, np.ndarray) and proxy.dtype == object:
        outs = np.asarray(out, dtype=object).reshape(-1)
        for p, o in zip(proxy.reshape(-1), outs, strict=False):
            _bind(p, o, real)

