"""The public Python API: load a spec version, load a profile, run a call against state.

In: a spec version (a folder of ASL sources with ``spec.toml`` and ``registers.toml``,
bundled ones by name), an implementation profile (bundled name or path), register state (a
mapping, see :mod:`asl_interp.machine.state`) and a call written in ASL (``"CheckVFPEnabled(TRUE)"``).
Out: an :class:`~asl_interp.machine.outcome.Outcome`: whether the call returned or which exception
it took (target Exception level, Execution state, AArch32 mode, Exception, class, vector
offset), with the fields it read, the branches that decided it and the UNKNOWN values used.

Typical use::

    from asl_interp.app.api import load_spec
    spec = load_spec("armv8.6")
    out = spec.run("CheckVFPEnabled(TRUE)", profile="default",
                   state={"PSTATE.EL": "EL1", "FPEXC32_EL2.EN": 0, ...})
    out.kind, out.target_el, out.mode, out.ec, out.to_json()

Guarantees:
- :func:`load_spec` parses every ``.asl`` file under the version folder, reads
  ``spec.toml`` and ``registers.toml``, builds the register model and compiles the program
  once per process and folder, the front end's work taken from the on-disk cache
  (:mod:`asl_interp.cache`) when present; mistakes are ``ASLError``s (syntax, static, state,
  usage), never tracebacks.
- :meth:`Spec.run` gives what the instrumented program does, so ``path`` is filled; ``lines``
  only when ``trace=True``. State is applied over the profile's default state. Where the
  Spec holds a decider for the call and profile (:meth:`Spec.decider`, or taken by
  :meth:`Spec.run` itself once running the text has cost about what taking it would), the same
  Outcome comes through it, the text run only where the tree cannot answer exactly.
- Errors a user can cause while running (an unset field, a missing profile answer, a bad
  state value, a bad call) are ``StateError``/``ProfileError``/``UsageError``/ASL errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from time import perf_counter
from typing import Any

import attrs

from .. import sources_root
from ..errors import ASLError, ProfileError, StateError, UsageError, did_you_mean, remember_source
from ..lib.limits import LIMITS
from ..lib.values import settled
from ..lib.world import EvaluationEnded
from ..machine.machine import Machine
from ..machine.model import MachineModel
from ..machine.outcome import Outcome
from ..machine.profile import Profile, load_profile, profiles_dir
from ..machine.state import Constants, StateFile
from ..syntax import ast
from ..syntax.source import exists, is_dir, is_file
from ..syntax.texts import CALL_FILE, call_expression

__all__ = ["Spec", "load_spec", "build_spec", "load_profile", "spec_versions", "check_profile", "diff"]

#: When :meth:`Spec.run` takes a call's decider itself: once running the text for that call
#: on that profile has cost about what taking the decider would (as one rents until renting
#: has cost the price). From the on-disk cache, taking it costs about a second per
#: :data:`DECIDER_LOAD_BYTES_PER_SECOND` of its entry (its leaves decoded as they are met,
#: their functions written at their first uses), and at least
#: :data:`DECIDER_CACHED_AFTER_SECONDS` of runs go first; building it by exploring costs from
#: a tenth of a second to a minute or more on the shipped profiles, so
#: :data:`DECIDER_AFTER_SECONDS` of runs go first. A loop over fewer states never pays for one.
DECIDER_CACHED_AFTER_SECONDS = 0.5
DECIDER_LOAD_BYTES_PER_SECOND = 15_000_000
DECIDER_AFTER_SECONDS = 10.0
#: Deciders a Spec keeps (:meth:`Spec.decider`), the ones taken or asked for last: each
#: grows with the leaves it answers (their outcomes and functions, up to a few hundred MB on
#: the largest trees): a loop answering every leaf of every call on every profile of
#: armv8.6 (70 deciders) in one process grew to 8 GB. One let go is taken again from the
#: on-disk cache when asked for.
DECIDERS_HELD = 16
#: Machines that share one call memo (see :meth:`Spec.machine`) before it starts afresh:
#: what it keeps stays a few megabytes however many states are run.
MEMO_RUNS = 2000


@attrs.define(slots=True)
class _Held:
    """What :meth:`Spec.run` knows of the decider for one call on one profile."""

    profile: Profile
    decider: Any
    #: the key Spec.decider keeps its decider under (_decider_key)
    key: tuple = ()
    #: seconds spent running the text for it; whether run() has asked for the decider
    spent: float = 0.0
    asked: bool = False
    #: seconds of runs after which run() takes the decider (None: not worked out yet)
    after: float | None = None
    #: the runs (and the decider) end at the exception-entry call
    stop_at_entry: bool = False


_SPEC_KEYS = {"name", "description", "entry_points", "boundary", "entry", "undefined"}


@attrs.define(slots=True)
class Spec:
    """One loaded spec version: its modules, register model, compiled program and metadata.

    ``program`` is the checked program, ready to run (:class:`~asl_interp.backend.program.Program`); ``constants`` maps ASL constant names
    to ``(value, TypeDesc)`` for state values (``EL1``, ``M32_Svc``).
    """

    name: str
    path: Path
    description: str
    entry_points: list[str]
    boundary: list[str]
    #: the exception-entry routines whose calls a run observes to describe the outcome
    entry: list[str]
    modules: list[Any]
    model: MachineModel
    program: Any
    constants: Constants
    #: The folder of this version's bundled profiles (``<version>/profiles``; a spec folder
    #: without one uses armv8.6's).
    profiles_dir: Path = attrs.field(factory=profiles_dir)
    _call_kinds: dict[Any, Any] = attrs.field(factory=dict, repr=False)
    _deciders: dict[tuple, Any] = attrs.field(factory=dict, repr=False)
    #: (call text, id of a Profile) -> what run() knows of that call's decider on it
    _held: dict[tuple, _Held] = attrs.field(factory=dict, repr=False)
    #: id of a Profile -> [the Profile, the call memo machine()'s machines on it share, machines so far]
    _memos: dict[int, list] = attrs.field(factory=dict, repr=False)

    def __reduce__(self) -> tuple:
        # pickled as its folder, loaded again (from the on-disk cache) where it is unpickled:
        # how a worker process that does not fork gets the spec (``--jobs``)
        return (load_spec, (self.path,))

    def profile(self, profile: str | Path | Profile = "default") -> Profile:
        """``profile`` as a :class:`Profile`: a name of one of this version's bundled profiles
        (``asl-interp profiles --spec VERSION``) or a profile file's path."""
        return profile if isinstance(profile, Profile) else load_profile(profile, self.profiles_dir)

    def machine(self, profile: str | Path | Profile = "default", state: Mapping[str, Any] | StateFile | None = None,
                *, unset: Any = "error", trace: bool = False, on_missing_impdef: Any = None,
                on_unknown: Any = None, stop_at_entry: bool = False) -> Machine:
        """A fresh :class:`Machine` for this spec: the profile's state, then ``state``.
        ``stop_at_entry``: end at the call of the exception-entry routine, as a version that
        stops there does (see :class:`~asl_interp.machine.machine.Machine`). Without
        ``trace`` or an ``on_unknown`` policy of the caller's, the machines of one profile
        share a call memo (:meth:`_call_memo`): their runs give the same Outcome, sooner."""
        prof = self.profile(profile)
        check_profile(self, prof)
        machine = Machine(self.model, prof, unset=unset, on_missing_impdef=on_missing_impdef, observe=self.entry,
                          on_unknown=on_unknown, constants=self.constants, trace=trace, stop_at_entry=stop_at_entry)
        if on_unknown is None and not trace:  # (a caller's UNKNOWN policy is not the memo's)
            machine.call_memo = self._call_memo(prof)
        if isinstance(state, StateFile):
            machine.apply_state(state.registers, origin=state.path, written=True)
        elif state:
            machine.apply_state(state)
        return machine

    def run(self, call: str, *, profile: str | Path | Profile = "default",
            state: Mapping[str, Any] | StateFile | None = None, unset: Any = "error",
            trace: bool = False, use_decider: bool = True, stop_at_entry: bool = False) -> Outcome:
        """Evaluate ``call`` (ASL text, e.g. ``"CheckVFPEnabled(TRUE)"``) and say what it did.

        Once this Spec holds a decider for ``call`` on ``profile``, ``run`` answers through it
        (:meth:`Decider.run <asl_interp.analysis.decider.Decider.run>`): the same Outcome,
        the text run only where the decision tree cannot answer exactly. It holds one when
        :meth:`decider` built it in this process, or when running the text for this call on
        this profile has cost about what taking the decider would (half a second or more
        when the on-disk cache holds it, by its size; ten seconds when it must be built:
        :data:`DECIDER_AFTER_SECONDS`): ``run`` then takes the decider itself (from the
        cache, or by exploring once), so that a long loop over many states runs at the
        decider's speed. A call no decider can be built for
        (:class:`~asl_interp.analysis.decider.DeciderUnsupported`, an error while exploring)
        goes on running the text. ``trace=True`` (statements executed)
        and ``use_decider=False`` always run the instrumented text and take no decider. A
        profile given by name is looked up (and its files checked) on each call; give the
        :class:`Profile` object (:meth:`profile`) in a hot loop. ``stop_at_entry``: end at the
        call of the exception-entry routine (the outcome of what the check decides, without
        what entry writes); its decider is the one :meth:`decider` builds with
        ``stop_at_entry=True``, taken the same way. The runs of the text on one profile share
        what the calls that depend only on their arguments, the profile's answers and the
        values they read did (see :meth:`machine`): the same Outcome, sooner."""
        held = (self._held_decider(call, profile, stop_at_entry) if use_decider and not trace
                and isinstance(call, str) else None)
        if held is None:
            machine = self.machine(profile, state, unset=unset, trace=trace, stop_at_entry=stop_at_entry)
            return self.run_on(machine, call)
        if held.decider is not None:
            return held.decider.run(state, unset=unset)
        start = perf_counter()
        outcome = self.run_on(self.machine(held.profile, state, unset=unset, stop_at_entry=stop_at_entry), call)
        held.spent += perf_counter() - start
        if held.spent >= DECIDER_CACHED_AFTER_SECONDS and not held.asked:
            self._take_decider(call, held)
        return outcome

    def _call_memo(self, prof: Profile) -> dict:
        """The call memo the machines :meth:`machine` makes on ``prof`` share: the calls the
        generated code replays instead of running them again (functions of their arguments
        and the profile's answers, and those that only read state, by the values they read:
        :func:`~asl_interp.backend.runtime.replaying`, :func:`~asl_interp.backend.runtime.remembering`).
        A fresh one every :data:`MEMO_RUNS` runs."""
        held = self._memos.get(id(prof))
        if held is None or held[0] is not prof or held[2] >= MEMO_RUNS:
            if len(self._memos) > 100:
                self._memos.clear()
            held = self._memos[id(prof)] = [prof, {}, 0]
        held[2] += 1
        return held[1]

    def _take_decider(self, call: str, held: _Held) -> None:
        """Take the decider for ``call`` on ``held.profile`` for :meth:`run` once running
        the text has cost what taking it would (see :data:`DECIDER_AFTER_SECONDS`)."""
        from ..analysis.decider import cached_size

        if held.after is None:  # (worked out once: looking in the cache hashes the spec's files)
            size = cached_size(self, call, held.profile, held.stop_at_entry)
            held.after = DECIDER_AFTER_SECONDS if size is None else max(DECIDER_CACHED_AFTER_SECONDS,
                                                                         size / DECIDER_LOAD_BYTES_PER_SECOND)
        if held.spent >= held.after:
            held.asked = True  # asked once: built, or not to be built
            with suppress(ASLError):  # the text goes on answering
                held.decider = self.decider(call, held.profile, stop_at_entry=held.stop_at_entry)

    def _held_decider(self, call: str, profile: str | Path | Profile, stop_at_entry: bool = False) -> _Held | None:
        """What :meth:`run` knows of the decider for ``call`` on ``profile``, its runs ending
        at the exception-entry call with ``stop_at_entry`` (None: a profile that does not
        load, which :meth:`machine` reports)."""
        try:
            prof = self.profile(profile)
        except ProfileError:
            return None
        got = self._held.get((call, id(prof), stop_at_entry))
        if got is None or got.profile is not prof:  # (the profile object is kept, so its id stays its own)
            if len(self._held) > 1000:
                self._held.clear()
            key = _decider_key(call, prof, stop_at_entry)
            got = self._held[(call, id(prof), stop_at_entry)] = _Held(prof, self._deciders.get(key), key,
                                                                      stop_at_entry=stop_at_entry)
        return got

    def run_on(self, machine: Machine, call: str) -> Outcome:
        """Evaluate ``call`` against a machine the caller built (exploration, hooks).

        The call text is parsed here once per spec (to tell a procedure call from an
        expression and to turn a syntax error into a UsageError); the program then parses,
        checks and compiles it once per program and reuses it on every later run."""
        if not isinstance(call, str):
            call_expression(call, "run")  # raises the UsageError for anything but text
        procedure = self.is_procedure_call(call)
        # (the text as typed, so that <call>:LINE:COL is where the user typed it)
        text = self._statement_text(call) if procedure else call
        steps = {"step_limit": LIMITS.steps, "recursion_limit": LIMITS.recursion}  # --max-steps, --limit
        try:
            if procedure:
                self.program.run_statements(text, machine, instrumented=True, lines=machine.trace,
                                             filename=CALL_FILE, **steps)
                value = None
            else:
                value = self.program.evaluate(text, machine, instrumented=True, lines=machine.trace, filename=CALL_FILE,
                                              **steps)
                value = settled(value)  # handing the value out examines it
        except EvaluationEnded as end:
            return machine.ended(end.outcome)
        except ASLError:
            if procedure:  # a diagnostic quotes the call as typed, not with the ';' that made it a statement
                remember_source(CALL_FILE, call)
            raise
        return machine.outcome(value=value)

    def decider(self, call: str, profile: str | Path | Profile = "default", *, max_paths: int | None = None,
                progress: Any = None, jobs: int = 1, stop_at_entry: bool = False) -> Any:
        """The fast form of ``run`` for ``call`` on ``profile``: a
        :class:`~asl_interp.analysis.decider.Decider` (the spec compiled into a decision tree for
        this profile; built once, then from the on-disk cache; this Spec keeps the
        :data:`DECIDERS_HELD` last asked for, and gives the same object while it keeps it). Its
        ``decide(registers)`` takes whole-register values, its ``run(state)`` what
        :meth:`run` takes. ``max_paths``: the exploration's complete paths past which no tree
        is built (a :class:`~asl_interp.analysis.decider.DeciderUnsupported`; None: the
        decider's default, which fits every shipped profile). ``progress``: called with the
        paths and runs so far while the tree is built by exploring, in ``jobs`` worker
        processes (the same tree whatever their number; see
        :func:`~asl_interp.analysis.explore.explore`). ``stop_at_entry``: the tree of what the
        check decides, each path ending at the call of the exception-entry routine (``run``
        with ``stop_at_entry=True``, in its fast form; on the larger profiles built many
        times faster)."""
        from ..analysis.decider import build_decider, check_paths, paths_limit

        if not isinstance(call, str):
            call_expression(call, "run")  # raises the UsageError for anything but text
        limit = paths_limit(max_paths)
        prof = self.profile(profile)
        check_profile(self, prof)
        key = _decider_key(call, prof, stop_at_entry)
        got = self._deciders.pop(key, None)
        if got is None:
            got = build_decider(self, call, prof, max_paths=limit, progress=progress, jobs=jobs,
                                stop_at_entry=stop_at_entry)
            for held in self._held.values():  # run() answers through it from now on
                if held.decider is None and held.key == key:
                    held.decider = got
        else:  # the tree does not depend on the limit: the one held, if it fits this one
            check_paths(got.paths, got.call, got.profile, limit)
        self._deciders[key] = got  # (the last asked for last)
        while len(self._deciders) > DECIDERS_HELD:
            self._let_go(next(iter(self._deciders)))
        return got

    def _let_go(self, key: tuple) -> None:
        """Keep the decider under ``key`` no more: :meth:`run` runs the text for its call again,
        and takes it again as it took it first."""
        gone = self._deciders.pop(key)
        for held in self._held.values():
            if held.decider is gone:
                held.decider, held.asked, held.spent = None, False, 0.0

    def _statement_text(self, call: str) -> str:
        """The procedure call ``call`` as a statement: its text up to the end of the call
        expression, then ``;`` (a trailing ``// comment`` would otherwise swallow the ``;``)."""
        known = self._call_kinds.get(("statement", call))
        if known is None:
            span = call_expression(call, "run").span
            text = call
            if span is not None and span.end_line is not None and span.end_col is not None:
                lines = text.split("\n")
                end = sum(len(line) + 1 for line in lines[: span.end_line - 1]) + span.end_col - 1
                text = text[:end]
            known = self._call_kinds[("statement", call)] = text + ";"
        return known

    def is_procedure_call(self, call: str | ast.Expr) -> bool:
        """Whether ``call`` (ASL text or a parsed expression) calls a procedure of this spec
        (a function without a result, run as a statement) rather than being an expression
        with a value. Text is parsed once per spec; a syntax error is a UsageError."""
        if isinstance(call, str):
            known = self._call_kinds.get(call)
            if known is None:
                known = self.is_procedure_call(call_expression(call, "run"))
                if len(self._call_kinds) > 1000:
                    self._call_kinds.clear()
                self._call_kinds[call] = known
            return known
        infos = self.program.checked.funcs.get(call.name, ()) if isinstance(call, ast.Call) else ()
        return any(f.kind == "func" and f.result is None and len(f.params) == len(call.args) for f in infos)


def _decider_key(call: str, prof: Profile, stop_at_entry: bool = False) -> tuple:
    """What :meth:`Spec.decider` keeps a decider under: the call's text and the profile's
    file and whole content (an edited profile is another one), and whether its paths stop
    at the exception-entry call."""
    return (call.strip(), prof.path, repr(prof)) + (("stop at entry",) if stop_at_entry else ())


def spec_versions() -> list[str]:
    """Names of the bundled spec versions."""
    root = sources_root()
    return sorted(p.name for p in root.iterdir() if (p / "spec.toml").is_file()) if root.is_dir() else []


_CACHE: dict[Path, Spec] = {}


def load_spec(version: str | Path = "armv8.6", *, use_cache: bool = True) -> Spec:
    """Load (once per process and folder) the spec version ``version``: a bundled name
    (``"armv8.6"``) or the path of a folder holding ``spec.toml``, ``registers.toml`` and
    ``.asl`` files (searched recursively). The front end's work (parsing, machine model,
    checking) comes from the on-disk cache (:mod:`asl_interp.cache`) when it holds an entry
    for exactly these files; ``use_cache=False`` or ``ASL_INTERP_CACHE=off`` bypasses it."""
    folder = _spec_folder(version)
    cached = _CACHE.get(folder)
    if cached is not None:
        return cached
    spec = _build_spec(folder, use_cache=use_cache)
    _CACHE[folder] = spec
    return spec


def build_spec(version: str | Path = "armv8.6", *, use_cache: bool = True) -> Spec:
    """A freshly built :class:`Spec` for ``version`` (not memoised in the process, unlike
    :func:`load_spec`), through the on-disk cache unless ``use_cache`` is false."""
    return _build_spec(_spec_folder(version), use_cache=use_cache)


def _spec_folder(version: str | Path) -> Path:
    text = str(version)
    if isinstance(version, Path) or "/" in text or is_dir(text) and not is_dir(sources_root() / text):
        folder = Path(text)
        if not is_file(folder / "spec.toml"):
            raise UsageError(f"{text} is not a spec version folder (it has no spec.toml)")
        return folder.resolve()
    folder = sources_root() / text
    if not is_file(folder / "spec.toml"):
        raise UsageError(f"unknown spec version '{text}'" + did_you_mean(text, spec_versions()),
                         notes=(f"bundled versions: {', '.join(spec_versions())}",))
    return folder.resolve()


def _read_spec_toml(folder: Path) -> dict[str, Any]:
    """``spec.toml`` of ``folder``, every key checked for its type: a UsageError naming the
    file and key otherwise."""
    from ..lib.inputs import read_toml

    path = folder / "spec.toml"
    data = read_toml(path, "the spec description", UsageError)
    extra = set(data) - _SPEC_KEYS
    if extra:
        raise UsageError(f"{path}: unknown key(s) {', '.join(sorted(extra))}"
                         + did_you_mean(sorted(extra)[0], _SPEC_KEYS))
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise UsageError(f"{path}: '{key}' must be a string, not {data[key]!r}")
    for key in ("entry_points", "boundary"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{path}: '{key}' must be a list of strings, not {value!r}")
    undefined = data.get("undefined")
    if undefined is not None and (not isinstance(undefined, dict)
                                  or set(undefined) != {"selector", "if_true", "if_false"}
                                  or not all(isinstance(v, str) for v in undefined.values())):
        raise UsageError(f"{path}: [undefined] needs exactly selector, if_true and if_false, each a function name")
    return data


def _build_spec(folder: Path, *, use_cache: bool = True) -> Spec:
    from ..backend.program import UndefinedRule
    from ..errors import register_spec_root
    from ..syntax.source import asl_files_in
    from .loading import load_program

    register_spec_root(folder)

    meta = _read_spec_toml(folder)
    files = asl_files_in(folder)
    if not files:
        raise UsageError(f"{folder} holds no .asl files")
    if not exists(folder / "registers.toml"):
        raise UsageError(f"{folder} is not a complete spec version folder: it has no registers.toml "
                         "(the register model; see asl_sources/armv8.6/registers.toml)")
    rule = meta.get("undefined")
    undefined = UndefinedRule(**rule) if rule else None
    try:
        program, model, modules = load_program(files, folder / "registers.toml", undefined=undefined,
                                               use_cache=use_cache)
    except StateError as err:  # a broken registers.toml is a broken spec folder, like a broken spec.toml
        raise UsageError(err.message, err.span, err.notes) from None
    _check_spec_names(folder / "spec.toml", meta, program, modules)
    return Spec(
        name=str(meta.get("name", folder.name)),
        path=folder,
        description=str(meta.get("description", "")),
        entry_points=list(meta.get("entry_points", [])),
        boundary=list(meta.get("boundary", [])),
        entry=list(meta.get("entry", [])),
        modules=list(modules),
        model=model,
        program=program,
        constants=_constants_of(program),
        profiles_dir=folder / "profiles" if (folder / "profiles").is_dir() else profiles_dir(),
    )


def _check_spec_names(path: Path, meta: Mapping[str, Any], program: Any, modules: list[Any] = ()) -> None:
    """Every entry point names a function of the program; every boundary function is
    declared without a body and has a primitive to record the outcome; every type
    ``registers.toml`` gives a register layout (``[types]``) is declared by the sources."""
    from ..lib import primitives

    declared = {d.name for m in modules for d in m.decls
                if isinstance(d, ast.TypeDecl | ast.RecordDecl | ast.EnumDecl | ast.TypeAlias)}
    for tname in sorted(program.register_model.types) if modules else ():
        if tname not in declared:
            raise UsageError(f"{path.parent / 'registers.toml'}: [types] names {tname}, which the ASL sources do not "
                             "declare" + did_you_mean(tname, declared))

    for sig in meta.get("entry_points", []):
        name = str(sig).split("(")[0].strip()
        if name not in program.functions:
            raise UsageError(f"{path}: entry point {name} is not defined by the sources"
                             + did_you_mean(name, program.functions))
    for name in meta.get("entry", []):
        if name not in program.functions:
            raise UsageError(f"{path}: entry routine {name} is not defined by the sources"
                             + did_you_mean(name, program.functions))
    for name in meta.get("boundary", []):
        if name not in program.functions or name not in primitives.REGISTRY:
            raise UsageError(f"{path}: boundary function {name} must be declared in the sources and "
                             "implemented by a primitive that records the outcome")


def _constants_of(program: Any) -> Constants:
    """``name -> (value, TypeDesc)`` from the compiled program, for state values."""
    return dict(program.constants)


def check_profile(spec: Spec, profile: Profile) -> None:
    """Raise ProfileError when a profile's CONSTRAINED UNPREDICTABLE table names an
    Unpredictable or Constraint member the spec's sources do not declare (a typo would
    otherwise only show when that case is reached, or never)."""
    enums = spec.program.enums
    cases, members = set(enums.get("Unpredictable", ())), set(enums.get("Constraint", ()))
    for which, choice in profile.constrained.items():
        if cases and which not in cases:
            raise ProfileError(f"{profile.path}: constrained_unpredictable.{which}: the {spec.name} sources have "
                               "no such Unpredictable member" + did_you_mean(which, cases))
        if members and choice not in members:
            raise ProfileError(f"{profile.path}: constrained_unpredictable.{which} = {choice!r} is not a Constraint member"
                               + did_you_mean(choice, members))


def diff(call: str, *, from_spec: str | Path = "armv8.6", to_spec: str | Path = "armarm-2025",
         profile: str | Path | Profile = "default", from_profile: str | Path | Profile | None = None,
         to_profile: str | Path | Profile | None = None, state: Mapping[str, Any] | None = None,
         all_states: bool = False, vary: Any = (), max_paths: int | None = None, fine: bool = False,
         jobs: int = 1) -> Any:
    """What changed for ``call`` between two spec versions: a
    :class:`~asl_interp.analysis.diff.DiffResult` listing every class of states whose outcome
    differs (``result.classes``; ``result.differs``), each with one concrete state, both
    outcomes and both decisive paths.

    ``profile`` names the implementation in both versions (profiles of the same name describe
    the same implementation); ``from_profile``/``to_profile`` choose each side's instead.
    ``state`` is fixed state (as :meth:`Spec.run` takes it; each name applies to the versions
    that have it); everything else is explored. ``all_states`` keeps the states a version's
    consistency rules reject; ``vary`` opens profile answers (``["Halted()"]``); ``fine`` keeps
    the paths of one compared outcome apart; ``jobs``: worker processes for a long
    exploration (the result is the same whatever ``jobs``)."""
    from ..analysis.diff import diff_specs
    from ..analysis.explore import DEFAULT_MAX_PATHS

    a, b = load_spec(from_spec), load_spec(to_spec)
    return diff_specs(a, b, call, profile_a=profile if from_profile is None else from_profile,
                      profile_b=profile if to_profile is None else to_profile, fixed=state, all_states=all_states,
                      vary=vary, max_paths=DEFAULT_MAX_PATHS if max_paths is None else max_paths, fine=fine,
                      jobs=jobs)
