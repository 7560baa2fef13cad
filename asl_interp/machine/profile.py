"""Implementation profiles: the answers a spec leaves to the implementation.

In: ``asl_sources/<version>/profiles/<name>.toml`` (each spec version has its own profiles:
the questions differ) or a path (:func:`load_profile`).
Out: :class:`Profile`, validated when loaded; :func:`check_profile_questions` checks its
answers against the questions a spec version can ask.

Profile format (TOML; every table optional except ``description``)::

    description = "one line"        # required
    extends = "default"             # optional: start from that profile, override below

    [implementation_defined]        # answers keyed exactly as the spec asks:
    "HaveEL(EL2)" = true            #   keyless: enclosing function and its arguments
    "Have SVE ISA" = false          #   keyed: the string of T IMPLEMENTATION_DEFINED "key"
    "FPEXC.EN value when TGE==1 and RW==0" = "'1'"   # bits: '0101', 0b.., 0x.., integer

    [constrained_unpredictable]     # ConstrainUnpredictable(which) -> Constraint member
    Unpredictable_RESCPACR = "Constraint_TRUE"

    [unknown]
    policy = "fixed"                # the only policy: bits zeros, FALSE, 0, first member, ""

    [instruction]                   # the instruction being executed (never decides whether
    condition = "'1110'"            #   an FP/SIMD access is permitted or where it goes)
    length = 32                     # AArch32.CurrentCond(), ThisInstrLength(), ThisInstr(),
    encoding = "0x00000000"         #   and the value every D[n] reads as
    d_registers = "0x0"

    [state]                         # state applied before the caller's (same syntax as a
    _PC = "0x0"                     #   state file's [registers] table); a name the extended
                                    #   profile's [state] gives too is given this value
                                    #   (names compared dotted: HCR_EL2.TGE and
                                    #   [state.HCR_EL2] TGE are one name)

    drop_state = ["CPTR_EL3.EZ"]    # names of the extended profile's [state] not to inherit

Guarantees: a profile that lacks an answer the evaluation needs is a ``ProfileError`` naming
the key and the spec line asking (raised by the Machine), never a silent default; a key no
source asks, or an answer that does not fit the type the text asks it in, is one as soon as
a Machine uses the profile (whether or not the run asks it), naming the file that gave it. The file is
read as every input file is (:mod:`asl_interp.lib.inputs`: UTF-8, a byte order mark accepted,
size and nesting bounded); its values are as strict as a state file's, and its ``[state]``
sets PSTATE by field only, as a state file does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import attrs

from ..errors import ProfileError, Span, did_you_mean
from ..lib.inputs import data_text, key_spans, loads_toml
from ..lib.world import TypeDesc
from ..syntax.source import exists, is_file, read_text
from .model import MachineModel
from .state import Constants, parse_bits_value, state_paths, typed_answer

_PROFILE_KEYS = {"description", "extends", "drop_state", "implementation_defined", "constrained_unpredictable",
                 "unknown", "instruction", "state"}
_INSTRUCTION_KEYS = {"condition", "length", "encoding", "d_registers"}
UNKNOWN_POLICIES = ("fixed",)


@attrs.define(frozen=True, slots=True)
class Profile:
    """An implementation: answers to IMPLEMENTATION_DEFINED questions (``impdef``, keyed as
    the spec asks), CONSTRAINED UNPREDICTABLE choices (``constrained``: Unpredictable
    member -> Constraint member), the UNKNOWN policy, the current instruction's properties
    (``instruction``: condition, length, encoding, d_registers) and default ``state``."""

    name: str
    path: str
    description: str
    impdef: dict[str, Any]
    constrained: dict[str, str]
    unknown_policy: str = "fixed"
    instruction: dict[str, Any] = attrs.field(factory=dict)
    state: dict[str, Any] = attrs.field(factory=dict)
    impdef_sources: dict[str, str] = attrs.field(factory=dict)  # key -> file that gave the answer
    #: the files this profile was read from (itself and what it extends)
    files: tuple[str, ...] = ()
    #: name in ``state`` -> where its key stands in the profile file that gave it (this one or
    #: one it extends), for the errors its value gets
    state_spans: dict[str, Span] = attrs.field(factory=dict, eq=False, repr=False)

    def answer(self, key: str, typ: TypeDesc, constants: Constants | None = None) -> Any:
        """The answer to the IMPLEMENTATION_DEFINED question ``key`` as a value of ASL type
        ``typ`` (a ProfileError naming the file that gave it when it does not fit); a KeyError
        when the profile has none."""
        where = self.impdef_sources.get(key, self.path)
        return typed_answer(self.impdef[key], typ, f"{where}: implementation_defined.\"{key}\"", constants)


#: The spec version whose profiles a bundled name means when no folder is given.
DEFAULT_VERSION = "armv8.6"


def profiles_dir(version: str = DEFAULT_VERSION) -> Path:
    """The folder of the profiles bundled with spec version ``version``. Profiles of the same
    name in two versions describe the same implementation (each says so)."""
    from .. import sources_root

    return sources_root() / version / "profiles"


def profile_names(folder: Path | None = None) -> list[str]:
    """Names of the bundled profiles."""
    folder = folder or profiles_dir()
    return sorted(p.stem for p in folder.glob("*.toml"))


def _profile_path(name_or_path: str | Path, folder: Path, base: Path | None = None) -> Path:
    """The file of a profile: a bundled name is looked up in ``folder``; a path (it has a
    ``/`` or ends in ``.toml``) is taken as given, except that a relative path in another
    profile's ``extends`` is relative to that profile's own folder ``base`` (so a profile
    and the one it extends can move together), not to the working folder."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or text.endswith(".toml"):
        path = Path(text)
        if base is not None and not path.is_absolute():
            path = Path(os.path.normpath(base / path))  # normalised, so 'extends' loops are seen
        if not exists(path):
            raise ProfileError(f"profile file {path if base is not None else text} does not exist")
        return path  # a folder or a device: reading it says so
    path = folder / f"{text}.toml"
    if not is_file(path):
        names = profile_names(folder)
        if is_file(base / text if base is not None else text):  # a file, but not a profile's name
            raise ProfileError(not_a_profile_file(text),
                               notes=(f"bundled profiles: {', '.join(names)}",) if names else ())
        raise ProfileError(
            f"unknown profile '{text}'" + did_you_mean(text, names),
            notes=(f"bundled profiles: {', '.join(names)}" if names else f"{folder} holds no profiles (*.toml)",),
        )
    return path


def not_a_profile_file(name: str) -> str:
    """What a profile named ``name`` is told when ``name`` is a file whose name does not end in
    ``.toml`` (``some.jsonl``): neither a bundled profile's name nor a profile file."""
    return f"{name} is not a .toml profile file: a profile is a bundled profile's name or a TOML file named *.toml"


#: Loaded profiles: (file, folder) -> (the files it was read from with their sizes and times,
#: the Profile). A profile is read again when any of its files changed.
_LOADED: dict[tuple[str, str], tuple[tuple, Profile]] = {}


def load_profile(name_or_path: str | Path, folder: Path | None = None) -> Profile:
    """Load a profile by bundled name (``"default"``, looked up in ``folder``: a spec
    version's ``profiles/``, by default armv8.6's) or path, validating every key.

    Raises ProfileError naming the file and key for unknown keys, bad types or values, or
    an unknown profile name (with a suggestion). A profile already loaded in this process,
    none of whose files changed since, is the same object again: treat profiles as values
    (``attrs.evolve`` makes a changed copy).
    """
    folder = folder or profiles_dir()
    path = _profile_path(name_or_path, folder)
    key = (str(path), str(folder))
    hit = _LOADED.get(key)
    if hit is not None and hit[0] == _stamps(hit[1].files):
        return hit[1]
    profile = _load_profile(path, folder, ())
    if len(_LOADED) > 256:
        _LOADED.clear()
    _LOADED[key] = (_stamps(profile.files), profile)
    return profile


def _stamps(files: tuple[str, ...]) -> tuple:
    out = []
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            return ()
        out.append((st.st_mtime_ns, st.st_size))
    return tuple(out)


def _load_profile(path: Path, folder: Path, seen: tuple[str, ...]) -> Profile:
    where = str(path)
    if where in seen:
        raise ProfileError(f"{where}: 'extends' loops: {' -> '.join(seen + (where,))}")
    text = read_text(path, "the profile", ProfileError)
    data = loads_toml(text, where, ProfileError)

    extra = set(data) - _PROFILE_KEYS
    if extra:
        key = sorted(extra)[0]
        raise ProfileError(f"{where}: unknown key '{key}'" + did_you_mean(key, _PROFILE_KEYS))
    for key in ("implementation_defined", "constrained_unpredictable", "unknown", "instruction", "state"):
        if key in data and not isinstance(data[key], dict):
            raise ProfileError(f"{where}: '{key}' must be a table")
    for key in ("description", "extends"):
        if key in data and not isinstance(data[key], str):
            raise ProfileError(f"{where}: '{key}' must be a string")

    if "extends" in data:
        try:
            base_path = _profile_path(data["extends"], folder, path.parent)
        except ProfileError as err:  # the file and key at fault, not only the name it gives
            raise ProfileError(f"{where}: 'extends': {err.message}", notes=err.notes) from None
        base = _load_profile(base_path, folder, seen + (where,))
        impdef, constrained = dict(base.impdef), dict(base.constrained)
        impdef_sources = dict(base.impdef_sources)
        policy, instruction, state = base.unknown_policy, dict(base.instruction), dict(base.state)
        files = base.files + (where,)
        state_spans = dict(base.state_spans)
    else:
        impdef, constrained, policy, instruction, state = {}, {}, "fixed", {}, {}
        impdef_sources = {}
        files = (where,)
        state_spans = {}
    if "description" not in data:
        raise ProfileError(f"{where}: missing 'description' (one line saying what implementation this is)")

    for key, value in data.get("implementation_defined", {}).items():
        if isinstance(value, dict | list) or isinstance(value, float):
            raise ProfileError(f"{where}: implementation_defined.\"{key}\": an answer is a boolean, integer or string, not {data_text(value)}")
        impdef[key] = value
        impdef_sources[key] = where
    for key, value in data.get("constrained_unpredictable", {}).items():
        if not key.startswith("Unpredictable_"):
            raise ProfileError(f"{where}: constrained_unpredictable.{key}: keys are Unpredictable members (Unpredictable_...)")
        if not isinstance(value, str) or not value.startswith("Constraint_"):
            raise ProfileError(f"{where}: constrained_unpredictable.{key}: the choice is a Constraint member (\"Constraint_TRUE\", ...), not {data_text(value)}")
        constrained[key] = value
    unknown = data.get("unknown", {})
    if set(unknown) - {"policy"}:
        raise ProfileError(f"{where}: unknown key(s) in [unknown]: {', '.join(sorted(set(unknown) - {'policy'}))}")
    if "policy" in unknown:
        if unknown["policy"] not in UNKNOWN_POLICIES:
            raise ProfileError(f"{where}: unknown.policy must be one of {', '.join(UNKNOWN_POLICIES)}, not {data_text(unknown['policy'])}")
        policy = unknown["policy"]
    instr = data.get("instruction", {})
    for key, value in instr.items():
        if key not in _INSTRUCTION_KEYS:
            raise ProfileError(f"{where}: unknown key instruction.{key}" + did_you_mean(key, _INSTRUCTION_KEYS))
        width = {"condition": 4, "encoding": 32, "d_registers": 64}.get(key)
        if width is not None:
            value = parse_bits_value(value, width, f"{where}: instruction.{key}", error=ProfileError)
        elif not isinstance(value, int) or isinstance(value, bool) or value not in (16, 32):
            raise ProfileError(f"{where}: instruction.length is 16 or 32, not {data_text(value)}")
        instruction[key] = value
    drop = data.get("drop_state", [])
    if not isinstance(drop, list) or not all(isinstance(n, str) for n in drop):
        raise ProfileError(f"{where}: drop_state is a list of names of the extended profile's [state]")
    for key in drop:
        if key not in state:
            raise ProfileError(f"{where}: drop_state names {key!r}, which the extended profile's [state] does not "
                               "set" + did_you_mean(key, state))
        del state[key]
        state_spans.pop(key, None)
    # (by name, dotted: `HCR_EL2.TGE = 1` is the table {"HCR_EL2": {"TGE": 1}} to TOML, and a
    # table of the extending profile must neither replace the extended one's whole nor stand
    # beside its "HCR_EL2.TGE" as a second name for the same field)
    paths = state_paths(data.get("state", {}))
    own = [(".".join(map(str, keys)), value) for keys, value in paths]
    top = Span(where, 1, 1)
    own_spans = [span if span != top else None  # (None: not found in the text)
                 for span in key_spans(text, top, [keys for keys, _value in paths], "toml", under=("state",))]
    if len({key for key, _value in own}) < len(own):  # ("HCR_EL2.TGE" and [state.HCR_EL2] TGE)
        given: set[str] = set()  # (not ``seen``: the profiles this one extends)
        i = next(i for i, (key, _value) in enumerate(own) if key in given or given.add(key))
        message = f"[state] gives {own[i][0]} twice; give it once"
        raise ProfileError(message, own_spans[i]) if own_spans[i] else ProfileError(f"{where}: {message}")
    state.update(own)
    state_spans.update((key, span) for (key, _value), span in zip(own, own_spans) if span is not None)
    name = path.stem
    return Profile(name, where, data["description"], impdef, constrained, policy, instruction, state, impdef_sources,
                   files, state_spans)


def check_profile_questions(model: MachineModel, profile: Profile, constants: Constants | None = None) -> None:
    """Raise ProfileError, naming the file and key with the nearest question, when an
    ``[implementation_defined]`` key of ``profile`` is not a question the sources behind
    ``model`` can ask (a misspelt key would otherwise be ignored and the inherited or
    missing answer used instead), or when its answer does not fit the type the text asks
    it in (checked here, not only when a run asks it: ``constants`` are the spec's, for
    answers that name one; without them bit-vector answers wait until asked). No check
    when the model was built from sources that ask no IMPLEMENTATION_DEFINED question
    (``model.questions`` is None)."""
    questions = model.questions
    if questions is None:
        return
    token = (profile.path, frozenset(profile.impdef), constants is not None)
    if token in model.checked_profiles:
        return
    for key in profile.impdef:
        if not questions.asks(key):
            where = profile.impdef_sources.get(key, profile.path)
            raise ProfileError(
                f"{where}: implementation_defined.\"{key}\" is not a question the spec's sources ask"
                + did_you_mean(key, questions.all_keys()),
                notes=("note: keys are a keyed IMPLEMENTATION_DEFINED string, or the enclosing function "
                       "and its arguments of a keyless one, e.g. \"HaveEL(EL2)\"",),
            )
        typ = questions.type_of(key)
        if typ is not None and (constants is not None or typ.kind != "bits"):
            profile.answer(key, typ, constants)  # (its ProfileError when the answer does not fit)
    model.checked_profiles.add(token)


