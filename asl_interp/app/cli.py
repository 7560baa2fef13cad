"""The ``asl-interp`` command line.

In: ``argv``. Out: text (or JSON) on stdout, diagnostics on stderr, and an exit status.

Exit statuses, one meaning each for every command (each command's ``--help`` says what they
mean for it, and the README lists them):
- 0 (:data:`EXIT_OK`): the job completed (for ``run``: whatever the architectural outcome);
- 1 (:data:`EXIT_FAILED`): the ASL evaluation failed (assertion, unset state read, missing
  profile answer, a limit such as ``--max-steps`` reached, out of memory), or a checking
  command (``check``, ``check-property``, ``crosscheck``) found problems;
- 2 (:data:`EXIT_USAGE`): a mistake in the command or its input: a bad option or argument, an
  unreadable, oversized, undecodable or malformed file, syntax and static errors, a broken
  ``crosscheck`` model;
- 70 (:data:`EXIT_INTERNAL`): an internal error (a bug in asl-interp), reported in one line;
- 130 (:data:`EXIT_INTERRUPTED`): interrupted (Ctrl-C).

Every command takes ``--no-cache`` (no on-disk cache: see :mod:`asl_interp.cache`) and
``--limit NAME=N`` (:mod:`asl_interp.lib.limits`); the commands that evaluate ASL take
``--max-steps N``.

Guarantees: every :class:`~asl_interp.errors.ASLError` is rendered through
:func:`~asl_interp.errors.render`; no Python traceback reaches the user for a mistake of
theirs. Each subcommand is one ``_add_<name>`` (arguments) and one ``_cmd_<name>`` (action)
below; the work itself lives in the phase modules.
"""

from __future__ import annotations

import functools
import os
import sys

from ..lib.collector import freeze_for_good, frozen
from ..errors import ASLAssertionError, ASLError, plural

# argparse (and the gettext, locale and re it imports) is imported where a parser is built: a
# plain warm `eval` does not build one (see _plain_eval)
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a short command starts without importing typing
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, BinaryIO

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: Exit status when something other than an ASLError escapes a command: a bug in asl-interp
#: (EX_SOFTWARE). ``ASL_INTERP_DEBUG=1`` lets the exception and its traceback through instead.
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

#: Exit status for each error phase when an ASLError escapes a command.
EXIT_FOR_PHASE = {
    "usage": EXIT_USAGE,
    "syntax": EXIT_USAGE,
    "static": EXIT_USAGE,
    "runtime": EXIT_FAILED,
    "state": EXIT_FAILED,
    "profile": EXIT_FAILED,
}

#: What every command's exit statuses mean unless it says otherwise (see the module docstring).
_EXITS = {
    0: "done",
    1: "the ASL evaluation failed (a failed assertion, a field read but never set, a missing profile "
       "answer, a limit such as --max-steps reached)",
    2: "a mistake in the command or its files (bad option, unknown name, unreadable or malformed file)",
}
_EXITS_TAIL = {70: "a bug in asl-interp (one line; ASL_INTERP_DEBUG=1 shows the traceback)", 130: "interrupted"}


@functools.cache
def _parser_class() -> type[argparse.ArgumentParser]:
    """The ArgumentParser class of every parser built here, made on first need (argparse is
    imported then)."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        """argparse that reports usage errors with our wording and exit status 2, and makes its
        epilog (``epilog_of``, a function) only when the help is shown."""

        epilog_of: Callable[[], str] | None = None
        showing = False

        def format_help(self) -> str:
            if self.epilog_of is not None:
                self.epilog, self.epilog_of = self.epilog_of(), None
            self.showing = True
            return super().format_help()

        def format_usage(self) -> str:
            self.showing = True
            return super().format_usage()

        def _get_formatter(self) -> argparse.HelpFormatter:
            # argparse makes a formatter for each argument added, only to check its metavar, and
            # a formatter asks the terminal's width through shutil (which imports compression
            # modules): a short command would start slower for text it never shows. The width
            # is asked only when help or usage is shown.
            if self.showing:
                return super()._get_formatter()
            return self.formatter_class(prog=self.prog, width=80)

        def error(self, message: str):  # type: ignore[override]
            self.print_usage(sys.stderr)
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    return _Parser


class _Command:
    """One registered command: its help line, example, exit statuses, arguments and action."""

    def __init__(self, help: str, example: str, exits: dict[int, str], evaluates: bool,
                 add: Callable[[argparse.ArgumentParser], None], exit_now: bool = False):
        self.help, self.example, self.exits, self.evaluates, self.add = help, example, exits, evaluates, add
        self.exit_now = exit_now
        self.run: Callable[[argparse.Namespace], int] | None = None


# Commands register below, in the order ``--help`` lists them.
_COMMANDS: dict[str, _Command] = {}


def command(name: str, help: str, *, example: str = "", exits: dict[int, str | None] | None = None,
            evaluates: bool = False, exit_now: bool = False):
    """Register ``_cmd`` under ``name``; the decorated function takes the parsed args.
    ``example`` is a command line shown in its ``--help``; ``exits`` what exit statuses 0, 1
    and 2 mean for it (defaults: :data:`_EXITS`; None: the command never exits so);
    ``evaluates``: it runs ASL (``--max-steps``); ``exit_now``: it writes nowhere but stdout
    and stderr and leaves nothing for Python's exit to do, so that the console script may
    end the process as soon as both are flushed (see :func:`console`)."""

    def wrap(add: Callable[[argparse.ArgumentParser], None]):
        merged = {code: text for code, text in {**_EXITS, **(exits or {})}.items() if text is not None}
        entry = _Command(help, example, merged, evaluates, add, exit_now)
        _COMMANDS[name] = entry

        def register(run: Callable[[argparse.Namespace], int]):
            entry.run = run
            return run

        return register

    return wrap


def write(text: str) -> None:
    """Print ``text`` and a newline on stdout; characters the terminal's encoding cannot show
    (``→``, ``≡`` on an ASCII terminal) are replaced rather than raising."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.encode(encoding, errors="replace").decode(encoding, errors="replace")
    print(text)


def write_json(data: object) -> None:
    """``--json``'s output: ``data`` as one indented JSON object (non-ASCII escaped), then a
    newline."""
    import json

    write(json.dumps(data, indent=2))


def _epilog(example: str, exits: dict[int, str]) -> str:
    """The end of a ``--help``: the example command line, then what each exit status means."""
    import textwrap

    lines = []
    if example:
        lines += ["example:", f"  {example}", ""]
    lines.append("exit status:")
    for code, text in {**exits, **_EXITS_TAIL}.items():
        lines += textwrap.wrap(text, 96, initial_indent=f"  {code:<3}  ", subsequent_indent=" " * 7)
    return "\n".join(lines)


def _count(text: str) -> int:
    """An argparse type: a positive whole number in ASCII digits (no blanks, signs, '_' or
    other scripts' digits, which Python's int() would take)."""
    import argparse

    from ..lib.limits import positive_number

    try:
        return positive_number(text, "a count")
    except ASLError as err:
        raise argparse.ArgumentTypeError(err.message.removeprefix("a count: ")) from None


#: The defaults ``--max-paths`` help gives (explore's DEFAULT_MAX_PATHS, the decider's), as
#: text: the parser is built without importing the analyses (a test keeps them equal).
EXPLORE_PATHS_HELP = "20000"
DECIDER_PATHS_HELP = "20000"


def _add_max_paths(p: argparse.ArgumentParser, what: str, default: str = EXPLORE_PATHS_HELP) -> None:
    """``--max-paths N`` (explore, check-property, crosscheck, diff; sweep and compile for the
    decider they build): stop with an error after N complete paths (``what``: of which
    exploration); a positive count, None when not given (the caller's default)."""
    p.add_argument("--max-paths", type=_count, default=None, metavar="N",
                   help=f"stop with an error after N paths{what} (default {default})")


class _decider_limit:
    """Building a decider (sweep, compile), a context: the path limit's error with a note
    naming this command's option (the decider's own names the Python API's). A class, not a
    contextlib generator: a short command starts without importing contextlib."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, err: Any, _tb: Any) -> bool:
        if kind is not None:
            from ..analysis.decider import DeciderUnsupported, limit_note

            if isinstance(err, DeciderUnsupported) and err.max_paths is not None:
                err.notes = (limit_note("--max-paths N"),)
        return False


def _seconds(text: str) -> float:
    """An argparse type: a positive number of seconds (``5``, ``0.5``) in ASCII digits."""
    import argparse
    import re

    from ..errors import shorten

    m = re.fullmatch(r"([0-9]+)(\.[0-9]+)?", text, re.ASCII)
    if m is None or float(text) <= 0:
        raise argparse.ArgumentTypeError(f"give a positive number of seconds, e.g. 5 or 0.5, not "
                                         f"{shorten(text, quote=True)}")
    if len(m.group(1).lstrip("0")) > 6 or len(m.group(2) or "") > 7:
        raise argparse.ArgumentTypeError(f"{shorten(text, quote=True)} seconds: give at most 999999 seconds, "
                                         f"with at most 6 decimals")
    return float(text)


def _common_options(p: argparse.ArgumentParser, evaluates: bool) -> None:
    group = p.add_argument_group("limits and cache (every command)")
    group.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the on-disk cache (see `asl-interp cache info`)")
    group.add_argument("--limit", dest="limits", action="append", default=[], metavar="NAME=N",
                       help="raise or lower a resource limit (repeatable): bits (widest bit vector, default "
                            "65536), int-bits (largest integer, in bits, default 65536), file-size (bytes of "
                            "an input file or sweep line, default 67108864), depth (nesting in state files, "
                            "profiles and sweep lines, default 64), recursion (nested ASL calls, default 400)")
    if evaluates:
        group.add_argument("--max-steps", type=_count, metavar="N",
                           help="stop an evaluation after N ASL calls and loop iterations (default 10000000)")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with one subparser per registered command (``only``: just that
    command's, which parses its command lines the same way: ``main`` builds only the one a
    command line names, and a short command starts sooner)."""
    import argparse

    from .. import __version__

    _Parser = _parser_class()
    parser = _Parser(
        prog="asl-interp",
        description="Run the Arm ARM's own ASL pseudocode against register state.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_of = lambda: _epilog(
        "asl-interp run --state examples/aarch32-guest-vfp.toml 'CheckVFPEnabled(TRUE)'\n"
        "  asl-interp COMMAND --help     (each command's options, an example and its exit statuses)", _EXITS)
    parser.add_argument("--version", action="version", version=f"asl-interp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, entry in _COMMANDS.items():
        if only is not None and name != only:
            continue
        p = sub.add_parser(name, help=entry.help, description=entry.help,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.epilog_of = functools.partial(_epilog, entry.example, entry.exits)
        entry.add(p)
        _common_options(p, entry.evaluates)
    return parser


#: What an option other commands take means to a command that does not take it.
_WHERE = "check-property fixes state with --where NAME=VALUE (repeatable), as --set does for explore"
_SET = "fix state with --set NAME=VALUE (check-property's --where)"
_INSTEAD = {("diff", "--spec"): "diff compares two versions, --from VERSION (default armv8.6) and --to VERSION "
                                "(default armarm-2025)",
            ("check-property", "--set"): _WHERE, ("check-property", "--state"): _WHERE,
            ("explore", "--where"): _SET, ("crosscheck", "--where"): _SET, ("diff", "--where"): _SET,
            ("sweep", "--where"): "give state every line starts from with --set NAME=VALUE or --state FILE"}


def _unknown_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]) -> None:
    """Report words the command line's command does not take, as that command's usage error
    (its usage line, not the top-level one): the first unknown option with the nearest one
    the command has, else the first unexpected argument. Exits (status 2)."""
    import argparse

    from ..errors import suggest

    command = parser
    if args.command:
        command = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[args.command]
    options = [o for o in extra if o.startswith("-") and o != "-"]
    if not options:
        command.error(f"unexpected argument {extra[0]!r}")
    name = options[0].partition("=")[0]
    instead = _INSTEAD.get((args.command, name))
    hint = suggest(name, [o for a in command._actions for o in a.option_strings if o.startswith("--")])
    command.error(f"unknown option {name!r}" + (f": {instead}" if instead else f"; {hint}" if hint else ""))


def _apply_common(args: argparse.Namespace) -> None:
    """``--no-cache``, ``--limit`` and ``--max-steps``, for the rest of the process."""
    from ..lib.limits import configure, parse_limit

    if getattr(args, "no_cache", False):
        from .. import cache

        args.cache_was_off = cache.disable()
    values = dict(parse_limit(text) for text in getattr(args, "limits", []) or [])
    if getattr(args, "max_steps", None) is not None:
        values["steps"] = args.max_steps
    if values:
        configure(**values)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``argv``: its words; default ``sys.argv[1:]``) in this process and
    return its exit status."""
    # what is imported lives as long as the command: the collector need not walk it again
    # and again while a short command starts (undone at the end, for in-process callers)
    with frozen():
        return _main(argv)


def console() -> int:
    """Entry point of the ``asl-interp`` console script and of ``python -m asl_interp``:
    :func:`main` in a process that ends when it returns. What the command made stays out of
    the collector's way (:func:`~asl_interp.lib.collector.freeze_for_good`): the collection Python makes as it exits would
    otherwise walk all of it (seconds after a large exploration), to free memory the
    process is about to give back anyway. A command registered with ``exit_now`` (eval) ends
    the process here, with its exit status, as soon as stdout and stderr are flushed
    (:func:`_exit_now`): Python's own exit would only free, one by one, what the process is
    about to give back (a few milliseconds of a short command)."""
    freeze_for_good()
    words = sys.argv[1:]
    rc = _main(None)
    freeze_for_good()
    entry = _COMMANDS.get(words[0]) if words else None
    if entry is not None and entry.exit_now:
        _exit_now(rc)
    return rc


def _exit_now(rc: int) -> None:
    """End the process with status ``rc`` without Python's finalization, once stdout and
    stderr are flushed. Returns instead (the process then ends the ordinary way, as it
    would have) when a flush fails (a closed pipe: Python's exit says and does what it always
    does), or when something is left for the exit to run: a function registered with
    :mod:`atexit` (a library's, or one this Python cannot count) or another thread."""
    import atexit

    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: no such stream (print writes nothing there)
                stream.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the ordinary exit handles it
        return
    count = getattr(atexit, "_ncallbacks", None)
    if count is None or count():
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    os._exit(rc)


class _Args:
    """A parsed command line, as :func:`_plain_eval` gives it: its options as attributes, as
    on the ``argparse.Namespace`` the full parser gives (``vars()`` of both compare equal)."""

    def __init__(self, **options: Any):
        self.__dict__.update(options)


def _plain_eval(words: list[str]) -> _Args | None:
    """The options of a plain ``eval CODE`` command line (``--source FILE|DIR``, repeatable,
    before or after CODE, also as ``--source=FILE|DIR``), as the full parser gives them, without
    building it: argparse, with the gettext, locale and re it imports and the expressions it
    compiles, is a good part of a warm eval's start. None for any other command line (any
    other option or word starting with '-', an abbreviated option, ``--help``, a second CODE
    or none): the full parser takes it, so that its errors and help stay its own."""
    if len(words) < 2 or words[0] != "eval":
        return None
    code = None
    sources = []
    rest = iter(words[1:])
    for word in rest:
        if word == "--source":
            word = next(rest, "-")  # missing: the full parser's error
            if word.startswith("-"):
                return None
            sources.append(word)
        elif word.startswith("--source="):
            value = word[len("--source="):]
            if not value or value.startswith("-"):
                return None
            sources.append(value)
        elif word.startswith("-") or code is not None:
            return None
        else:
            code = word
    if code is None:
        return None
    # eval's options (_add_eval) and every command's (_common_options) at their defaults: a
    # test keeps them equal to what the full parser gives
    return _Args(command="eval", code=code, source=sources, spec=None, profile=None, state=None, sets=[],
                 unset=None, no_cache=False, limits=[], max_steps=None)


def _parse(words: list[str]) -> argparse.Namespace | int:
    """``words`` parsed by the full parser: the options, or the exit status when there is
    nothing to run (``--help``, ``--version``, a usage error argparse reported, no command)."""
    parser = build_parser(words[0] if words and words[0] in _COMMANDS else None)
    try:
        args, extra = parser.parse_known_args(words)
        if extra:
            _unknown_arguments(parser, args, extra)
    except SystemExit as done:  # --help, --version, or a usage error argparse reported: its status, returned
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return args


def _main(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = _plain_eval(words)
    if args is None:
        args = _parse(words)
        if isinstance(args, int):
            return args
    args.argv = words
    run = _COMMANDS[args.command].run
    assert run is not None
    try:
        _apply_common(args)
        return run(args)
    except ASLError as err:
        print(err.render(), file=sys.stderr)
        return EXIT_FOR_PHASE.get(err.phase, EXIT_FAILED)
    except KeyboardInterrupt:
        print("asl-interp: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except MemoryError:
        print("error: out of memory; lower the limits (--limit bits=N, --limit int-bits=N, --max-steps N) "
              "or give the input in smaller parts", file=sys.stderr)
        return EXIT_FAILED
    except Exception as err:  # noqa: BLE001 - last resort: a bug of ours, not a traceback for the user
        if os.environ.get("ASL_INTERP_DEBUG"):
            raise
        print(f"asl-interp: internal error: {type(err).__name__}: {err} — please report this "
              f"(run with ASL_INTERP_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL
    finally:  # an in-process caller (the tests) gets the defaults back
        from ..lib.limits import reset

        reset()
        if hasattr(args, "cache_was_off"):
            from .. import cache

            cache.disable(args.cache_was_off)


# ======================================================================================
# Commands. Keep each one a thin layer over its phase module.
# ======================================================================================


# --------------------------------------------------------------------------------------
# fmt
# --------------------------------------------------------------------------------------


@command("fmt", help="Print ASL files in canonical form; comments are not kept.",
         example="asl-interp fmt examples/mine.asl",
         exits={0: "every file formatted", 1: None,
                2: "a file is missing, unreadable or has a syntax error (its errors are shown; the other files are "
                   "still formatted)"})
def _add_fmt(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="the .asl files to format, printed one after the other (with several files, each after a "
                        "'// FILE' line); - reads standard input")


@_add_fmt
def _cmd_fmt(args: argparse.Namespace) -> int:
    from ..syntax.formatter import format_module
    from ..syntax.parser import parse, parse_file

    _stdin_once(args.files)
    status = EXIT_OK
    several = len(args.files) > 1
    written = False  # (a blank line goes between two files printed, not before the first)
    for file in args.files:
        try:
            text = format_module(parse(_stdin_text(), STDIN_NAME) if file == "-" else parse_file(file))
        except ASLError as err:  # reported like any error; the other files are still formatted
            print(err.render(), file=sys.stderr)
            status = EXIT_USAGE
            continue
        if several:
            sys.stdout.write(("\n" if written else "") + f"// {STDIN_NAME if file == '-' else file}\n")
        sys.stdout.write(text)
        written = True
    return status


#: How diagnostics name ASL read from standard input (``fmt -``, ``check -``), as sweep names its lines.
STDIN_NAME = "<stdin>"


def _stdin_once(paths: Sequence[str]) -> None:
    """A UsageError when ``-`` (standard input) is given more than once: it can be read once."""
    from ..errors import UsageError

    if list(paths).count("-") > 1:
        raise UsageError("- (standard input) is given more than once; it can be read once")


def _stdin_text() -> str:
    """Standard input as text, as a file is read (at most the file-size limit, UTF-8, a byte
    order mark dropped; mistakes at ``<stdin>:LINE:COL``)."""
    import io

    from ..syntax.source import decode, max_bytes, read_limited

    buffer = getattr(sys.stdin, "buffer", None)  # (a text stream that has none, as in tests, is encoded back)
    stream = buffer if buffer is not None else io.BytesIO(sys.stdin.read(max_bytes() + 1).encode())
    return decode(read_limited(stream, "standard input"), STDIN_NAME, "standard input")


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------


@command("check", help="Parse ASL files and folders and report every syntax error (exit 1 if any).",
         example="asl-interp check --static --spec armv8.6 examples/trap.asl",
         exits={0: "no errors", 1: "errors found (syntax, or static with --static; unreadable files count as errors)",
                2: "a PATH that does not exist, a folder without .asl files, or a bad option"})
def _add_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="an .asl file, or a folder searched for *.asl; - reads standard input")
    p.add_argument(
        "--static",
        action="store_true",
        help="when everything parses, also run the static checks (names, types, widths)",
    )
    p.add_argument(
        "--spec",
        metavar="VERSION|DIR",
        help="with --static: check against this spec version's definitions and register model "
        "(e.g. armv8.6); a definition in PATH replaces the spec's one of the same signature",
    )


@_add_check
def _cmd_check(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..syntax.parser import parse_paths

    files = _asl_files(args.paths)
    modules, errors = [], []
    broken: set[str] = set()  # files with a syntax error (or unreadable), by the name given
    for file in files:
        parsed, found = _parse_stdin() if file == "-" else parse_paths([file])
        modules.extend(parsed)
        errors.extend(found)
        if found:
            broken.add(str(file))
    kind = "syntax"
    if not errors and args.static:
        try:
            from ..static.checker import static_check
        except ImportError as err:
            raise UsageError(f"--static is not available: the static checker cannot be loaded ({err})") from None
        if args.spec:
            from ..static.checker import check_in_context
            from .api import load_spec

            spec = load_spec(args.spec)
            errors = check_in_context(modules, spec.modules, spec.model.register_model)
        else:
            errors = list(static_check(modules))
        kind = "static"
        broken = {e.span.file for e in errors if e.span is not None}
    elif args.spec and not args.static:
        raise UsageError("--spec goes with --static (it says what to check the files against)")
    for err in errors:
        print(err.render(), file=sys.stderr)
    if errors:
        count = max(len(broken), 1)
        print(f"{plural(len(errors), kind + ' error')} in {plural(count, 'file')}")
        return 1
    checked = "parsed and checked" if args.static else "parsed"
    print(f"{plural(len(files), 'file')} {checked}, no errors")
    return 0


def _parse_stdin() -> tuple[list, list]:
    """``check -``: the module standard input holds and the errors found in it, as
    :func:`~asl_interp.syntax.parser.parse_paths` gives a file's."""
    from ..errors import ErrorList
    from ..syntax.parser import parse

    try:
        return [parse(_stdin_text(), STDIN_NAME)], []
    except ErrorList as err:
        return [], list(err.errors)
    except ASLError as err:
        return [], [err]


def _asl_files(paths: Sequence[str]) -> list:
    """The files ``check`` reads: each PATH that is a file, and the ``*.asl`` files below each
    folder (sorted), each file once however often it is named; ``-`` (standard input) as
    itself. A missing PATH, or a folder holding no .asl file (a mistyped folder must not
    pass), is a UsageError, and so is ``-`` given twice."""
    from pathlib import Path

    from ..errors import UsageError
    from ..syntax.source import source_files

    _stdin_once(paths)
    files: dict = {}
    for raw in paths:
        if raw == "-":
            files["-"] = "-"
            continue
        found = [Path(f) for f in source_files([raw])]  # a missing PATH: source_files' UsageError
        if not found:  # only a folder can name none
            raise UsageError(f"no .asl files in {raw}")
        for file in found:
            files.setdefault(file.resolve(), file)
    return list(files.values())


# --------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------


@command("run", help="Run an ASL call (e.g. 'CheckVFPEnabled(TRUE)') against register state; say what the spec does.",
         example="asl-interp run --state examples/aarch32-guest-vfp.toml --set FPEXC.EN=1 'CheckVFPEnabled(TRUE)'",
         exits={0: "the call completed, whatever its outcome (a trap, UNDEFINED, permitted)"}, evaluates=True)
def _add_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("call", metavar="CALL", help="an ASL call, e.g. 'CheckVFPEnabled(TRUE)' or 'CheckFPAdvSIMDEnabled64()'")
    _add_spec(p)
    p.add_argument("--profile", metavar="NAME|FILE",
                   help="implementation profile (see `asl-interp profiles`); default: the state file's, else 'default'")
    p.add_argument("--state", metavar="FILE.toml", help="register state file ([registers] table; a .json file: one "
                   "object as a sweep line)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="set REG, REG.FIELD or PSTATE.FIELD (after --state; repeatable); VALUE is '0101', "
                        "0b0101, 0x5, 5 or a constant such as EL1, M32_Svc, TRUE")
    p.add_argument("--unset", choices=("error", "zero"), default="error",
                   help="reading a field that was never set: an error naming it (default) or zero")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--trace", action="store_true", help="also list every spec line executed")
    _add_stop_at_entry(p)
    _add_html(p)


def _add_spec(p: argparse.ArgumentParser, note: str = "") -> None:
    """``--spec VERSION|DIR`` (every command that loads one spec version); ``note`` says what
    the version decides for this command."""
    p.add_argument("--spec", default="armv8.6", metavar="VERSION|DIR",
                   help="a bundled spec version (default: armv8.6) or a spec folder" + (f": {note}" if note else ""))


def _add_jobs(p: argparse.ArgumentParser, when: str) -> None:
    """``--jobs N`` (sweep, compile, explore, check-property, crosscheck, diff): how many
    processes work at once, by default one per core (:func:`~asl_interp.analysis.parallel.cores`);
    ``when`` says on what, and which processes."""
    from ..analysis.parallel import cores

    p.add_argument("--jobs", type=_count, default=cores(), metavar="N",
                   help=f"processes working {when} (default: the number of cores, here {cores()}); the output is the "
                        "same whatever N")


def _add_html(p: argparse.ArgumentParser) -> None:
    """``--html FILE`` (run, explore, check-property, crosscheck, diff; see asl_interp/app/html.py)."""
    p.add_argument("--html", metavar="FILE", type=_html_file,
                   help="also write one self-contained HTML page (spec source with the deciding lines marked, "
                        "outcome, decision table and diagram) to FILE")


def _output_file(example: str) -> Any:
    """The type of an option naming a file to write (``example``: such an option and file):
    any name but an empty one (which wrote nothing and said nothing)."""
    def named(text: str) -> str:
        import argparse

        if not text:
            raise argparse.ArgumentTypeError(f"give a file name, e.g. {example}")
        return text
    return named


def _html_file(text: str) -> str:
    """The type of ``--html``: a file name, but not ``-``, which other options (``--examples
    -``) read as standard output: the page would have gone to a file named ``-``."""
    import argparse

    if text == "-":
        raise argparse.ArgumentTypeError("the page is written to a file, not to standard output (which holds the "
                                         "answer); give a file name, e.g. --html out.html (./- for a file named -)")
    return _output_file("--html out.html")(text)


def _wrote_html(path: str, page: str) -> None:
    from .html import write_page

    write_page(path, page)
    print(f"asl-interp: wrote {path}", file=sys.stderr)


@_add_run
def _cmd_run(args: argparse.Namespace) -> int:
    if not args.json:
        return _run(args, {})
    from .report import run_error_json

    known: dict[str, Any] = {}
    try:
        return _run(args, known)
    except ASLError as err:
        # A script reading stdout gets an object whatever happened (sweep --json's error shape);
        # the error is still rendered on stderr and gives the exit status, as without --json.
        write_json(run_error_json(err, call=args.call, spec=known.get("spec", args.spec),
                                  profile=known.get("profile", args.profile)))
        raise


def _run(args: argparse.Namespace, known: dict[str, Any]) -> int:
    """``run``'s work; ``known`` gets the spec's and the profile's names once they are known."""
    from .api import load_spec
    from .report import prepare_run, render_run, run_json

    if args.html:
        from .html import check_target

        check_target(args.html)
    spec = load_spec(args.spec)
    known["spec"] = spec.name
    # The page marks every executed line, so --html runs traced (the text stays as without --trace).
    prepared = prepare_run(spec, args.call, profile=args.profile, state=args.state, sets=args.sets,
                           unset=args.unset, trace=args.trace or bool(args.html), stop_at_entry=args.stop_at_entry)
    known["profile"] = prepared.profile.name
    try:
        outcome = spec.run_on(prepared.machine, args.call)
    except ASLAssertionError as err:
        # The text asserts this cannot happen: an answer about the state, not a fault of the tool.
        from ..analysis.consistency import assertion_notes

        err.notes = assertion_notes(prepared.machine.warnings) + tuple(err.notes)
        raise
    except ASLError as err:
        if getattr(err, "read_at", None) is not None:  # a field never set: the run stopped at the first
            from .report import unset_hint

            notes = list(err.notes)
            after = next((i + 1 for i, n in enumerate(notes) if n.startswith("note: set it in the state")), len(notes))
            notes.insert(after, unset_hint(args.call, spec=args.spec, profile=args.profile, state=args.state,
                                           sets=args.sets, stop_at_entry=args.stop_at_entry))
            err.notes = tuple(notes)
        raise
    if args.html:
        from .html import run_page

        _wrote_html(args.html, run_page(spec, outcome, call=args.call, profile=prepared.profile, state=args.state,
                                        sets=args.sets, log=prepared.machine.final_reads()))
    if args.json:
        data = run_json(spec, outcome, call=args.call, profile=prepared.profile, trace=args.trace,
                        stop_at_entry=args.stop_at_entry)
        write_json(data)
    else:
        write(render_run(spec, outcome, call=args.call, profile=prepared.profile, trace=args.trace,
                         log=prepared.machine.final_reads(), stop_at_entry=args.stop_at_entry))
    return 0


# --------------------------------------------------------------------------------------
# compile
# --------------------------------------------------------------------------------------


@command("compile", help="Print the decision tree a call compiles to on a profile: the fast form of run, "
                         "as Python (see Spec.decider).",
         example="asl-interp compile 'CheckVFPEnabled(TRUE)' --profile default",
         exits={0: "the tree is printed",
                1: "the call cannot be compiled on the profile (an open IMPLEMENTATION DEFINED question or "
                   "CONSTRAINED UNPREDICTABLE choice, too many paths) or its evaluation failed"}, evaluates=True)
def _add_compile(p: argparse.ArgumentParser) -> None:
    p.add_argument("call", metavar="CALL", help="the call, in ASL, e.g. 'CheckVFPEnabled(TRUE)'")
    _add_spec(p)
    p.add_argument("--profile", default="default", metavar="NAME|FILE",
                   help="implementation profile (see `asl-interp profiles`); default: 'default'")
    _add_decider_options(p)
    _add_jobs(p, "on the exploration that builds the tree, when it lasts more than 0.15 s "
                 "(this one and N-1 workers)")


def _add_decider_options(p: argparse.ArgumentParser) -> None:
    """The options of the commands that build a decider (compile, sweep)."""
    _add_max_paths(p, " exploring the call to build the decider", DECIDER_PATHS_HELP)
    p.add_argument("--quiet", action="store_true", help="no progress on a terminal")
    _add_stop_at_entry(p)


#: What the bar says while a decider is built (sweep, compile).
DECIDER_PROGRESS = "building the decider (once; then from the cache)"


def _decider(spec: Any, args: argparse.Namespace) -> Any:
    """The decider of ``args.call`` on ``args.profile`` (compile), its build's progress on a
    terminal, its path limit in this command's words."""
    from .progress import progress

    with _decider_limit(), progress(DECIDER_PROGRESS, unit=" paths", quiet=args.quiet) as bar:
        return spec.decider(args.call, args.profile, max_paths=args.max_paths,
                            progress=lambda paths, _runs: bar.set(paths), jobs=args.jobs,
                            stop_at_entry=args.stop_at_entry)


@_add_compile
def _cmd_compile(args: argparse.Namespace) -> int:
    from .api import load_spec
    from ..errors import plural
    from .report import checked_profile, parse_call

    spec = load_spec(args.spec)
    parse_call(spec, args.call)  # a bad CALL as run shows it: <call>:1:N and a caret
    checked_profile(spec, args.profile)
    decider = _decider(spec, args)
    from ..machine.outcome import UP_TO_ENTRY

    upto = f", each path {UP_TO_ENTRY}" if decider.stop_at_entry else ""
    write(f"# {decider.call} on profile {decider.profile} ({spec.name}){upto}, compiled by asl-interp from the "
          f"spec's own text: {plural(decider.leaves, 'leaf', 'leaves')}.\n"
          f"# decide(st) takes whole-register values by storage register: "
          f"{', '.join(decider.registers) or 'none'}.\n"
          "# _A[i] is leaf i's Outcome (in words after it); _fail(i) raises the spec assertion leaf i fails;\n"
          "# _text(i, st) answers from the subtree of leaf i (bits of the profile's [state] given other values),\n"
          "# explored at its first use.\n"
          f"# From Python: load_spec({spec.name!r}).decider({decider.call!r}, {decider.profile!r}"
          f"{', stop_at_entry=True' if decider.stop_at_entry else ''}).decide(st)\n")
    write(decider.source.rstrip("\n"))
    return 0


# --------------------------------------------------------------------------------------
# sweep
# --------------------------------------------------------------------------------------


@command("sweep", help="Run a call for every state in a JSON Lines file (one state object per line) with the "
                       "fast form of run; one outcome per line, then a tally.",
         example="asl-interp sweep 'CheckVFPEnabled(TRUE)' examples/guest-states.jsonl",
         exits={0: "every line ran (with --expect: each as observed)",
                1: "the evaluation failed for some line (the others still ran), or with --expect some line's "
                   "outcome is not the one observed",
                2: "some line is not a state (bad JSON, a name given twice, an unknown register or field, a bad "
                   "value), or a mistake in the command"}, evaluates=True)
def _add_sweep(p: argparse.ArgumentParser) -> None:
    p.add_argument("call", metavar="CALL", help="the call, in ASL, e.g. 'CheckVFPEnabled(TRUE)'")
    p.add_argument("states", metavar="FILE.jsonl",
                   help="one JSON object per line, keys and values as a state file's [registers] "
                        "(e.g. {\"PSTATE.EL\": \"EL1\", \"FPEXC.EN\": 0}); - reads standard input; a .gz, "
                        ".bz2 or .xz file is decompressed as it is read")
    _add_spec(p)
    p.add_argument("--profile", metavar="NAME|FILE",
                   help="implementation profile (see `asl-interp profiles`); default: the state file's, else "
                        "'default'")
    p.add_argument("--state", metavar="FILE.toml", help="state every line starts from, laid over the profile's "
                   "[state] ([registers] table; a .json file: one object as a line); a line's own keys override it")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="set REG, REG.FIELD or PSTATE.FIELD in the state every line starts from (after --state; "
                        "repeatable)")
    p.add_argument("--unset", choices=("error", "zero"), default="error",
                   help="reading a field a line never set: an error for that line (default) or zero")
    p.add_argument("--expect", metavar="KEY",
                   help="each line's KEY holds the outcome observed in its state, as a crosscheck model answers "
                        "(\"permitted\", or {\"el\": 2, \"ec\": 7}): say whether the spec agrees (exit 1 if not)")
    p.add_argument("--json", action="store_true", help="print one JSON object per state line, and no tally")
    p.add_argument("--format", choices=("text", "json", "csv"), default=None,
                   help="text (default), json (as --json) or csv: a header, then one row per line (line, summary, "
                        "kind, target_el, target_state, mode, ec, iss, error, phase; errors are rows too), no tally")
    _add_jobs(p, "on a long input (N workers), and on the exploration that builds the decider (this one "
                 "and N-1 workers)")
    _add_decider_options(p)


@_add_sweep
def _cmd_sweep(args: argparse.Namespace) -> int:
    from ..analysis.sweep import SweepJob, Tally, read_lines, sweep_batches
    from ..errors import UsageError
    from ..lib.limits import LIMITS
    from .api import load_spec
    from .progress import progress
    from .report import parse_call, with_base_state

    if args.json and args.format not in (None, "json"):
        raise UsageError(f"--json and --format {args.format}: choose one output format")
    form = "json" if args.json else args.format or "text"
    if args.expect is not None and form == "csv":
        raise UsageError("--expect and --format csv: the comparison is in the text and --json forms")
    if args.expect == "":
        raise UsageError("--expect: give the key of each line that holds the outcome observed, e.g. --expect observed")
    spec = load_spec(args.spec)
    parse_call(spec, args.call)  # a bad CALL as run shows it: <call>:1:N and a caret
    profile, prof, base = _state_inputs(spec, args)
    source, stream, closing = _sweep_input(args.states)
    job = SweepJob(load=load_spec, spec=args.spec, call=args.call,
                   profile=with_base_state(spec, prof, base) if base else profile, unset=args.unset, source=source,
                   form=form, limits=LIMITS.as_dict(), max_paths=args.max_paths, stop_at_entry=args.stop_at_entry,
                   expect=args.expect)
    with _decider_limit(), progress(DECIDER_PROGRESS, unit=" paths", quiet=args.quiet) as bar:
        # the decider, before the first line is read: a bad call fails at once
        runner = job.runner(progress=lambda paths, _runs: bar.set(paths), jobs=args.jobs)
    tally = Tally()
    status = 0
    done = 0
    header = runner[1].header()
    if header is not None:
        write(header)
    with closing, progress("sweep", unit=" lines", quiet=args.quiet) as bar:
        for got in sweep_batches(job, read_lines(stream, source), jobs=args.jobs, runner=runner):
            for to_stderr, text in got.parts:
                with bar.external():
                    if to_stderr:
                        print(text, file=sys.stderr)
                    else:
                        write(text)
            for phase in got.phases:
                status = max(status, EXIT_FOR_PHASE.get(phase, 1))
            tally.merge(got)
            done += got.states
            bar.set(done)
    if form == "text":
        write(tally.render())
    warning = tally.warning(source)
    if warning is not None:
        print(warning, file=sys.stderr)
    return max(status, 1) if tally.differs else status


def _sweep_input(name: str) -> tuple[str, BinaryIO, contextlib.AbstractContextManager]:
    """``(source name, binary stream, context closing it)`` of sweep's input: a file, ``-``
    (standard input), or a file ending in one of :data:`~asl_interp.lib.inputs.COMPRESSED`
    (gzip, bzip2, xz; in any case). A ``.zst`` file is a UsageError saying how to pipe it in (Python's
    Zstandard readers before 3.14 cannot all tell a cut-short file from a whole one)."""
    import contextlib
    import io

    from ..errors import UsageError
    from ..lib.inputs import compressed_ending
    from ..syntax.source import open_input

    if name == "-":
        # standard input as bytes (a text stream that has none, as in tests, is encoded back)
        buffer = getattr(sys.stdin, "buffer", None)
        return "<stdin>", buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode()), contextlib.nullcontext()
    if name.lower().endswith(".zst"):
        raise UsageError(f"{name}: sweep reads .gz, .bz2 and .xz files itself; decompress a .zst file as you read "
                         f"it: zstd -dc {name} | asl-interp sweep CALL -")
    raw = open_input(name, "")
    ending = compressed_ending(name)
    if ending is None:
        return name, raw, raw
    import bz2
    import gzip
    import lzma

    opener = {".gz": lambda: gzip.GzipFile(fileobj=raw, mode="rb"), ".bz2": lambda: bz2.BZ2File(raw, "rb"),
              ".xz": lambda: lzma.LZMAFile(raw, "rb")}[ending]
    closing = contextlib.ExitStack()
    closing.enter_context(raw)
    return name, closing.enter_context(opener()), closing


# --------------------------------------------------------------------------------------
# profiles
# --------------------------------------------------------------------------------------


@command("profiles", help="List a spec version's bundled implementation profiles, one line each.",
         example="asl-interp profiles --spec armv8.6", exits={1: None})
def _add_profiles(p: argparse.ArgumentParser) -> None:
    _add_spec(p, "each version has its own profiles, and profiles of the same name describe the same "
                 "implementation")


@_add_profiles
def _cmd_profiles(args: argparse.Namespace) -> int:
    from .api import load_spec
    from .report import render_profiles

    write(render_profiles(load_spec(args.spec)))
    return 0


# --------------------------------------------------------------------------------------
# consistency (asl_interp.analysis.consistency)
# --------------------------------------------------------------------------------------


@command("consistency", help="List the rules a state must keep to be one a processor can be in, each with the spec "
                             "lines or the Arm ARM statement behind it.",
         example="asl-interp consistency --spec armv8.6", exits={1: None})
def _add_consistency(p: argparse.ArgumentParser) -> None:
    _add_spec(p, "the lines cited are that version's")


@_add_consistency
def _cmd_consistency(args: argparse.Namespace) -> int:
    from ..analysis.consistency import render_rules
    from .api import load_spec

    write(render_rules(load_spec(args.spec)))
    return 0


# --------------------------------------------------------------------------------------
# registers
# --------------------------------------------------------------------------------------


@command("registers", help="Show the registers the model knows: widths, fields, shared storage.",
         example="asl-interp registers FPEXC", exits={1: None, 2: "an unknown register or spec version"})
def _add_registers(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", metavar="NAME", help="one register to show in detail")
    _add_spec(p)


@_add_registers
def _cmd_registers(args: argparse.Namespace) -> int:
    from .api import load_spec
    from .report import render_registers

    write(render_registers(load_spec(args.spec).model, args.name))
    return 0


# --------------------------------------------------------------------------------------
# entries
# --------------------------------------------------------------------------------------


@command("entries", help="List a spec version's entry points with their signatures.",
         example="asl-interp entries --spec armv8.6", exits={1: None, 2: "an unknown spec version, or a broken spec folder"})
def _add_entries(p: argparse.ArgumentParser) -> None:
    _add_spec(p)


@_add_entries
def _cmd_entries(args: argparse.Namespace) -> int:
    from .api import load_spec
    from .report import render_entries

    write(render_entries(load_spec(args.spec)))
    return EXIT_OK


# --------------------------------------------------------------------------------------
# cache
# --------------------------------------------------------------------------------------


@command("cache", help="Show the on-disk cache (info) or empty it (clear).",
         example="asl-interp cache info", exits={1: None, 2: "a bad option"})
def _add_cache(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("info", "clear"),
                   help="info: the folder, whether it is used and each entry; clear: remove every entry")


@_add_cache
def _cmd_cache(args: argparse.Namespace) -> int:
    import time

    from .. import cache

    if args.action == "clear":
        folder = cache.cache_dir()
        n = cache.clear()
        write(f"removed {n} entr{'y' if n == 1 else 'ies'}" + (f" from {folder}" if folder else " (the cache is off)"))
        return EXIT_OK
    data = cache.info()
    write(f"cache folder: {data['folder'] or '(none)'}")
    if data["read_only"]:
        status = f"read only: its entries are used, but no new one can be kept ({data['problem']})"
    else:
        status = "in use" if data["enabled"] else f"not used: {data['problem']}"
    write("status: " + status)
    entries = data["entries"]
    total = sum(e["size"] for e in entries)
    write(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, {total / 1e6:.1f} MB "
          f"(at most {cache.MAX_ENTRIES} are kept; the least recently used go first)")
    for e in sorted(entries, key=lambda e: -e["used"]):
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e["used"]))
        state = "ok" if e["ok"] else f"refused: {e['problem']} (rebuilt on the next load)"
        write(f"  {e['key'][:12]}  {e['size'] / 1e3:9.1f} kB  used {used}  {e['kind'] or '(kind not recorded)'}  {state}")
    return EXIT_OK


# --------------------------------------------------------------------------------------
# eval
# --------------------------------------------------------------------------------------


@command("eval", help="Print the value of an ASL expression, or the variables that ASL statements assign.",
         example="asl-interp eval \"UInt('1010') + 3\"",
         exits={2: "a mistake in the command, or a syntax or static error in CODE or a --source file"},
         evaluates=True, exit_now=True)
def _add_eval(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", metavar="CODE",
                   help="an expression (\"UInt('1010') + 3\") or statements (\"x = 3; y = x + 1;\")")
    p.add_argument("--source", action="append", default=[], metavar="FILE|DIR",
                   help="an .asl file (or a folder of them) whose functions and constants CODE may use; "
                        "a spec folder (with spec.toml, e.g. asl_sources/armv8.6) also gives its registers, "
                        "read from the machine state the options below set up, as for `run`")
    p.add_argument("--spec", metavar="VERSION|DIR",
                   help="a bundled spec version (e.g. armv8.6, armarm-2025) or spec folder: the same as giving "
                        "its folder as --source")
    p.add_argument("--profile", metavar="NAME|FILE",
                   help="with a spec folder: implementation profile; default: the state file's, else 'default'")
    p.add_argument("--state", metavar="FILE.toml", help="with a spec folder: register state file ([registers] table; "
                   "a .json file: one object as a sweep line)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="with a spec folder: set REG, REG.FIELD or PSTATE.FIELD (after --state; repeatable)")
    p.add_argument("--unset", choices=("error", "zero"), default=None,
                   help="reading a register field that was never set: an error naming it (default) or zero")


#: Added to "unknown name" errors for register-like names when eval has no register model.
_EVAL_NO_MACHINE = ("note: registers and PSTATE are machine state: give --source with a spec folder "
                    "(e.g. --source asl_sources/armv8.6, with --state/--set) or use `asl-interp run`")


@_add_eval
def _cmd_eval(args: argparse.Namespace) -> int:
    from ..errors import ErrorList, UsageError
    from ..lib.limits import LIMITS
    from ..lib.values import show, show_string
    from ..lib.world import EvaluationEnded, MemoryWorld
    from ..syntax.source import is_file, path_text, source_files

    spec_dirs = [s for s in args.source if is_file(os.path.join(s, "spec.toml"))]
    if args.spec:
        from .api import load_spec

        spec_dirs.append(str(load_spec(args.spec).path))
    if len(spec_dirs) > 1:
        raise UsageError(f"--source, --spec: give one spec folder, not {len(spec_dirs)} ({', '.join(spec_dirs)})")
    others = [s for s in args.source if s not in spec_dirs]
    files = source_files(others)
    machine = None
    if spec_dirs:
        from ..backend.program import compile_program
        from ..syntax.parser import parse_paths
        from .api import load_spec
        from .report import prepare_run

        modules, errors = parse_paths(files)
        if errors:
            raise ErrorList(list(errors))
        spec = load_spec(spec_dirs[0])
        model = spec.model.register_model
        program = spec.program
        if modules:
            program = compile_program(spec.modules + modules, model, undefined=spec.program.undefined)
        # prepare_run builds run's Machine together with a CALL, which it only parses; eval's
        # CODE is not one, so the spec's first function stands in for it.
        stand_in = (spec.entry_points or sorted(spec.program.functions))[0].split("(")[0] + "()"
        machine = prepare_run(spec, stand_in, profile=args.profile, state=args.state, sets=args.sets,
                              unset=args.unset or "error").machine
        world = machine
    else:
        given = [opt for opt, v in (("--profile", args.profile), ("--state", args.state), ("--set", args.sets)) if v]
        if given:
            raise UsageError(f"{given[0]} needs a spec folder to set machine state in: "
                             "add --source <spec folder>, e.g. --source asl_sources/armv8.6")
        from .loading import load_runnable

        # the registers of the last folder that has a registers.toml
        found = [path_text(os.path.join(src, "registers.toml")) for src in others
                 if is_file(os.path.join(src, "registers.toml"))]
        registers = found[-1] if found else None
        try:
            # through the on-disk cache: a warm eval neither parses nor checks the sources,
            # nor loads the checked program. The direct-storage variant over the World's own
            # dict of register values: it reports a register read before any value was set as
            # the World does
            program = load_runnable(files, registers)
        except ErrorList as err:
            raise _hint_machine_state(err, None if registers is None else True) from None
        model = program.register_model
        world = MemoryWorld(model, strict=(args.unset or "error") == "error", record=False)
    code = args.code.strip()
    statements = ";" in code
    steps = {"step_limit": LIMITS.steps, "recursion_limit": LIMITS.recursion}  # --max-steps, --limit
    try:
        # CODE goes to the program as text: parsed, checked and generated once, then kept in
        # the on-disk cache with the program (a warm eval does not parse it)
        if not statements:
            value = program.evaluate(code, world, filename="<eval>", **steps)
            if value is not None:  # None: a procedure call, which has no value to print
                typ = program.value_type(code, filename="<eval>")
                write(show_string(value) if typ.kind == "string" else show(value))
        else:
            for name, value in program.run_statements(code, world, filename="<eval>", **steps).items():
                write(f"{name} = {show(value)}")
        _note_unknowns(world.unknowns)
        return 0
    except ErrorList as err:
        raise _hint_machine_state(err, model) from None
    except EvaluationEnded as end:  # the instruction ended (an exception was taken): say how, as run does
        if machine is None:
            raise UsageError("the evaluation ended the instruction (EndOfInstruction()): what happened is read "
                             "from machine state, so give a spec folder with --source") from None
        from ..machine.outcome import outcome_line

        write(outcome_line(machine.ended(end.outcome)))
    return 0


def _note_unknowns(used: Sequence[Any]) -> None:
    """eval's note on stderr for each ``T UNKNOWN`` the evaluation used (a World's
    ``unknowns``: a Machine's UnknownUse, a MemoryWorld's ``(type, span)``): what it printed
    holds the zeros (FALSE, 0, the first member) this tool gives them, where the
    architecture allows any value."""
    if not used:
        return
    import textwrap

    uses = [(u.type, u.span) if hasattr(u, "span") else (u[0], u[-1]) for u in used]
    places = ", ".join(dict.fromkeys(f"{typ} UNKNOWN at {span.file}:{span.line}:{span.col}" if span is not None
                                     else f"{typ} UNKNOWN" for typ, span in uses))
    print(textwrap.fill(f"note: UNKNOWN given here as zeros (FALSE, 0, an enumeration's first member), where the "
                        f"architecture allows any value: {places}", 100, subsequent_indent="    "), file=sys.stderr)


def _hint_machine_state(err: ASLError, model: object) -> ASLError:
    """``err`` with :data:`_EVAL_NO_MACHINE` added to each "unknown name 'PSTATE'"-like error
    when there is no register model (eval without a spec folder); ``model`` is the register
    model, or True when there is one."""
    import re

    if model is True or getattr(model, "registers", None):
        return err
    for e in getattr(err, "errors", [err]):
        if re.fullmatch(r"unknown name '_?[A-Z][A-Z0-9_]*'", e.message or ""):
            e.notes = tuple(e.notes) + (_EVAL_NO_MACHINE,)
    return err


# --------------------------------------------------------------------------------------
# explore, check-property, crosscheck (asl_interp.analysis.explore, asl_interp.analysis.crosscheck)
# --------------------------------------------------------------------------------------


def _explore_common(p: argparse.ArgumentParser, *, state: bool = True) -> None:
    """Options shared by explore, check-property and crosscheck."""
    import argparse

    # nargs="?": `--vary-profile CALL` must not swallow the CALL (see _call_after_vary)
    p.add_argument("call", metavar="CALL", nargs="?", help="an ASL call, e.g. 'CheckVFPEnabled(TRUE)'")
    _add_spec(p)
    p.add_argument("--profile", metavar="NAME|FILE",
                   help="implementation profile; default: the state file's, else 'default'")
    if state:
        p.add_argument("--state", metavar="FILE.toml", help="fixed state from a state file ([registers] table; a "
                       ".json file: one object as a sweep line)")
        p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                       help="fix REG, REG.FIELD or PSTATE.FIELD (after --state; repeatable); everything not "
                            "fixed is explored")
    p.add_argument("--vary-profile", dest="vary", action="append", nargs="?", const="*", metavar="KEY",
                   help="also explore the profile's answer KEY (e.g. 'HaveEL(EL2)'; repeatable); without KEY, "
                        "every boolean answer the evaluation asks for")
    _add_max_paths(p, "")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--all-states", action="store_true",
                   help="keep the states no processor can be in (by default left out, as the rules `asl-interp "
                        "consistency` lists say, and counted in the header)")
    # What --consistent asked for is the default now; scripts that pass it keep working.
    p.add_argument("--consistent", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--fine", action="store_true",
                   help="keep paths apart whose outcomes differ in anything a row shows (the syndrome, the vector, "
                        "the PC); by default paths with the same compared outcome (what the group heading says) are "
                        "merged")
    p.add_argument("--quiet", action="store_true", help="no progress on a terminal")
    _add_jobs(p, "on an exploration that lasts more than 0.15 s (this one and N-1 workers)")
    _add_html(p)


def _explore_inputs(args: argparse.Namespace) -> tuple:
    """(spec, profile name or path, fixed state, vary, max_paths) from the shared options.
    The CALL, ``--state`` and ``--set`` are checked as ``run`` checks them (usage errors
    naming the option, with suggestions; the CALL with a caret)."""
    from ..analysis.explore import DEFAULT_MAX_PATHS
    from ..errors import UsageError
    from .api import load_spec
    from .report import parse_call

    _call_after_vary(args)
    if args.consistent and args.all_states:
        raise UsageError("--consistent and --all-states contradict each other (consistent states are the default)")
    if args.html:
        from .html import check_target

        check_target(args.html)
    spec = load_spec(args.spec)
    parse_call(spec, args.call)
    profile, _prof, fixed = _state_inputs(spec, args)
    vary: object = ()
    if args.vary:
        vary = True if "*" in args.vary else list(args.vary)
    max_paths = DEFAULT_MAX_PATHS if args.max_paths is None else args.max_paths
    return spec, profile, fixed, vary, max_paths


def _state_inputs(spec: Any, args: argparse.Namespace) -> tuple[str, Any, dict[str, Any]]:
    """(profile name or path, the checked Profile, the state mapping) of ``--profile``,
    ``--state`` and ``--set``, checked as ``run`` checks them: the profile is ``--profile``,
    else the state file's ``profile`` key, else ``default``; the mapping is the state file's
    ``[registers]`` with each ``--set`` over it."""
    from .report import checked_profile, load_state_option, override_state, state_options

    base: dict = {}
    profile, where = args.profile, "--profile: "
    if getattr(args, "state", None):
        state_file = load_state_option(spec, args.state)
        base = state_file.registers
        if not profile and state_file.profile:
            profile, where = state_file.profile, f"{args.state}, key profile: "
    prof = checked_profile(spec, profile or "default", where)
    return profile or "default", prof, override_state(spec, base, state_options(spec, getattr(args, "sets", []) or []))


def _note_unasked(args: argparse.Namespace, table: Any, vary: Any) -> None:
    """A note on stderr for each ``--vary-profile KEY`` no path asked for (the table is the one
    without it: a misremembered key would otherwise go unnoticed)."""
    from ..analysis.explore import unasked

    for key in unasked(table, vary):
        print(f"asl-interp: note: --vary-profile \"{key}\": no path of {args.call} asks for it on this profile, so "
              f"varying it changed nothing", file=sys.stderr)


def _call_after_vary(args: argparse.Namespace) -> None:
    """``--vary-profile`` takes an optional KEY, so argparse hands it the CALL when the CALL
    comes right after it (``explore --vary-profile 'CheckVFPEnabled(TRUE)'``). When no CALL
    is left, the last value given to a bare ``--vary-profile`` (not ``--vary-profile=KEY``)
    is the CALL, and that ``--vary-profile`` opens every boolean answer, as documented."""
    from ..errors import UsageError

    if args.call is not None:
        return
    explicit = {t.partition("=")[2] for t in args.argv if t.startswith("--vary-profile=")}
    for i in range(len(args.vary or []) - 1, -1, -1):
        if args.vary[i] != "*" and args.vary[i] not in explicit:
            args.call = args.vary[i]
            args.vary[i] = "*"
            return
    raise UsageError("give the CALL to run, e.g. 'CheckVFPEnabled(TRUE)'")


@command("explore", help="Every distinct outcome of a call over all the state it reads: a decision table.",
         example="asl-interp explore 'CheckVFPEnabled(TRUE)' --set PSTATE.EL=EL1 --set PSTATE.nRW=1 --set SCR_EL3.NS=1",
         exits={0: "the table is printed",
                1: "an evaluation failed, or --max-paths was reached"}, evaluates=True)
def _add_explore(p: argparse.ArgumentParser) -> None:
    _explore_common(p)
    p.add_argument("--csv", action="store_true", help="print the table as CSV (one line per path)")
    p.add_argument("--coverage", action="store_true",
                   help="also report, per file, the spec lines run on some path and those no path ran")
    p.add_argument("--max-branch-bits", type=_count, default=None, metavar="N",
                   help="widest unset field to branch over, in bits (default 8)")
    p.add_argument("--examples", metavar="FILE", type=_output_file("--examples states.jsonl"),
                   help="also write one state each row stands for to FILE, as JSON Lines in the order the rows are "
                        "numbered (test vectors: `asl-interp sweep CALL FILE` gives each its outcome); - writes "
                        "them to standard output instead of the table")
    _add_stop_at_entry(p)


def _write_examples(args: argparse.Namespace, spec: Any, table: Any, profile: Any) -> None:
    """``explore --examples``: one state per row (:func:`~asl_interp.analysis.explore.example_state`),
    a JSON object a line, row [N] on line N; on stderr, how many and the sweep that answers them."""
    import shlex

    from ..analysis.explore import example_state, grouped_rows

    prof = spec.profile(profile)
    again = ["asl-interp", "sweep", args.call, args.examples]
    if args.spec is not None:
        again += ["--spec", args.spec]
    again += ["--profile", str(profile)]
    if args.stop_at_entry:
        again.append("--stop-at-entry")
    rows = [row for rows in grouped_rows(table).values() for row in rows]
    _write_states(args.examples, "row", [lambda row=row: example_state(spec, table, row, prof) for row in rows],
                  lambda: f"their outcomes: {shlex.join(again)}")


def _write_states(path: str, label: str, made: list[Any], answered: Any) -> None:
    """``--examples`` (explore's, diff's): the states ``made`` gives (one callable per item,
    numbered from 1, giving its state, or raising a UsageError that is then that item's, its
    ``label`` and number said) written as JSON Lines to ``path``, ``-`` for standard output;
    for a file, how many on stderr, with ``answered()``: the sweeps that answer them."""
    import json

    from ..errors import UsageError

    lines = []
    for n, make in enumerate(made, 1):
        try:
            lines.append(json.dumps(make()) + "\n")
        except UsageError as err:
            raise UsageError(f"--examples: {label} [{n}]: {err.message}") from None
    if path == "-":  # (standard output, instead of the table or the classes: for a pipe into sweep)
        if lines:
            write("".join(lines).removesuffix("\n"))
        return
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(lines)
    except OSError as err:
        raise UsageError(f"--examples {path}: cannot write: {err.strerror or err}") from None
    print(f"asl-interp: wrote {len(lines)} example state{'s' if len(lines) != 1 else ''} to {path} (line N: a state "
          f"of {label} [N]); {answered()}", file=sys.stderr)


def _add_stop_at_entry(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stop-at-entry", action="store_true",
                   help="end each path at the call of the exception-entry routine (AArch64.TakeException, "
                        "AArch32.EnterMode...): what the check decides (the exception, its target and syndrome), "
                        "not what entry then writes (SPSR, the return address, the vector); as diff compares, and "
                        "several times faster on the larger profiles")


@_add_explore
def _cmd_explore(args: argparse.Namespace) -> int:
    from ..analysis.explore import DEFAULT_MAX_BRANCH_BITS, explore, render_table, table_csv, table_json
    from ..errors import UsageError
    from .progress import progress

    if args.json and args.csv:
        raise UsageError("--json and --csv: choose one output format")
    if args.csv and args.coverage:
        raise UsageError("--csv and --coverage: the CSV holds the table only; give --coverage with the text or "
                         "--json output")
    if args.examples and args.vary:
        raise UsageError("--examples and --vary-profile: a state holds registers, not the profile's answers; "
                         "explore without --vary-profile for example states")
    if args.examples == "-" and (args.json or args.csv or args.coverage):
        raise UsageError("--examples - writes the states to standard output instead of the table: give no --json, "
                         "--csv or --coverage with it")
    spec, profile, fixed, vary, max_paths = _explore_inputs(args)
    bits = DEFAULT_MAX_BRANCH_BITS if args.max_branch_bits is None else args.max_branch_bits
    if not 1 <= bits <= 16:
        raise UsageError(f"--max-branch-bits {bits}: give 1 to 16")
    # The page shows each row's lines and the lines no path ran: --html explores with coverage.
    with progress("exploring", unit=" paths", quiet=args.quiet) as bar:
        table = explore(spec, args.call, profile=profile, fixed=fixed, vary=vary,
                        coverage=args.coverage or bool(args.html), max_paths=max_paths, max_branch_bits=bits,
                        progress=lambda paths, _runs: bar.set(paths), consistent=not args.all_states,
                        fine=args.fine, jobs=args.jobs, stop_at_entry=args.stop_at_entry)
    _note_unasked(args, table, vary)
    if args.html:
        import attrs

        from .html import explore_page

        _wrote_html(args.html, explore_page(spec, table, state=args.state))
        if not args.coverage:
            table = attrs.evolve(table, coverage=None)
    if args.examples:
        _write_examples(args, spec, table, profile)
        if args.examples == "-":
            return 0
    if args.json:
        write_json(table_json(table))
    elif args.csv:
        write(table_csv(table).removesuffix("\n"))
    else:
        write(render_table(table))
    return 0


@command("check-property", help="Check that a call's outcome does not depend on a field (exit 1 with a counterexample).",
         example="asl-interp check-property 'CheckFPAdvSIMDEnabled64()' --independent-of FPEXC32_EL2",
         exits={0: "the property holds on every path", 1: "a counterexample (or an evaluation failed)",
                2: "a mistake in the command or its files, or nothing was checked: no state a processor can be in "
                   "satisfies --where and the fixed state"},
         evaluates=True)
def _add_check_property(p: argparse.ArgumentParser) -> None:
    _explore_common(p, state=False)
    p.add_argument("--independent-of", dest="field", required=True, metavar="FIELD",
                   help="REG (all its fields) or REG.FIELD; views share storage (FPEXC is FPEXC32_EL2)")
    p.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                   help="only states with this value (repeatable)")
    p.add_argument("--all", dest="every", action="store_true",
                   help="a counterexample of every class (pair of outcomes), not only the most ordinary one")
    _add_stop_at_entry(p)


@_add_check_property
def _cmd_check_property(args: argparse.Namespace) -> int:
    from ..analysis.explore import check_independent, property_json, render_property
    from .progress import progress
    from .report import state_options

    spec, profile, _fixed, vary, max_paths = _explore_inputs(args)
    where = state_options(spec, args.where, "--where")
    with progress("exploring", unit=" paths", quiet=args.quiet) as bar:
        result = check_independent(spec, args.call, args.field, profile=profile, where=where, vary=vary,
                                   max_paths=max_paths, coverage=bool(args.html), consistent=not args.all_states,
                                   fine=args.fine, every=args.every, progress=lambda paths, _runs: bar.set(paths),
                                   jobs=args.jobs, stop_at_entry=args.stop_at_entry)
    _note_unasked(args, result.table, vary)
    if args.html:
        from .html import property_page

        _wrote_html(args.html, property_page(spec, result))
    if args.json:
        write_json(property_json(result))
    else:
        write(render_property(result))
    if not result.paths:
        return _nothing_checked(result.table)
    return 0 if result.holds else 1


def _nothing_checked(table: Any) -> int:
    """A check that checked no state (``--where``, ``--set`` or ``--state`` leave none a
    processor can be in): an error saying so, and exit status 2, never success."""
    from ..analysis.explore import left_out_reasons

    left = table.left_out
    if left:
        why = (f"no state a processor can be in is left with the fixed fields ({plural(sum(left.values()), 'path')} "
               f"left out: {left_out_reasons(left)}; --all-states keeps them)")
    else:
        why = "no state is left with the fixed fields"
    print(f"error: nothing was checked: {why}", file=sys.stderr)
    return EXIT_USAGE


@command("crosscheck", help="Compare a hand-written Python model with the spec on every path (exit 1 on differences).",
         example="asl-interp crosscheck 'CheckVFPEnabled(TRUE)' --model examples/models/kvm_vfp.py:corrected "
                 "--set SCR_EL3.NS=1 --set PSTATE.EL=EL1 --set PSTATE.nRW=1",
         exits={0: "the model agrees with the spec everywhere", 1: "the model disagrees (or an evaluation failed)",
                2: "a mistake in the command, or a broken model: it raises, exits, crashes, does not answer within "
                   "--model-timeout, or returns something that is not an outcome; or nothing was checked: no state a "
                   "processor can be in satisfies the fixed state"}, evaluates=True)
def _add_crosscheck(p: argparse.ArgumentParser) -> None:
    _explore_common(p)
    p.add_argument("--model", required=True, metavar="FILE.py:FUNCTION",
                   help="the model: a function from a mapping of fields to an outcome (see "
                        "asl_interp/analysis/crosscheck.py, or the README)")
    p.add_argument("--coverage", action="store_true",
                   help="also report, per file, the spec lines run on some path and those no path ran")
    p.add_argument("--model-timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="stop the model when loading it or one call takes longer (default 5); the model runs in a "
                        "process of its own, so a model that hangs, exits or crashes is an error, never agreement")
    _add_stop_at_entry(p)


@_add_crosscheck
def _cmd_crosscheck(args: argparse.Namespace) -> int:
    from ..analysis.crosscheck import DEFAULT_MODEL_TIMEOUT, crosscheck, crosscheck_json, render_crosscheck
    from ..analysis.explore import render_coverage
    from .progress import progress

    spec, profile, fixed, vary, max_paths = _explore_inputs(args)
    timeout = DEFAULT_MODEL_TIMEOUT if args.model_timeout is None else args.model_timeout
    with progress("exploring", unit=" paths", quiet=args.quiet) as bar:
        result = crosscheck(spec, args.call, args.model, profile=profile, fixed=fixed, vary=vary, max_paths=max_paths,
                            coverage=args.coverage or bool(args.html), model_name=args.model, model_timeout=timeout,
                            consistent=not args.all_states, fine=args.fine,
                            progress=lambda paths, _runs: bar.set(paths), jobs=args.jobs,
                            stop_at_entry=args.stop_at_entry)
    _note_unasked(args, result.table, vary)
    if args.html:
        from .html import crosscheck_page

        _wrote_html(args.html, crosscheck_page(spec, result, state=args.state))
    if args.json:
        data = crosscheck_json(result)
        if args.coverage:
            from ..analysis.explore import table_json

            data["coverage"] = table_json(result.table).get("coverage")
        write_json(data)
    else:
        write(render_crosscheck(result))
        if args.coverage:
            write("")
            write(render_coverage(result.table))
    if not result.states:
        return _nothing_checked(result.table)
    return 0 if result.agrees else 1


# --------------------------------------------------------------------------------------
# diff (asl_interp.analysis.diff)
# --------------------------------------------------------------------------------------


@command("diff", help="Compare a call between two spec versions: every class of states whose outcome differs, "
                      "with both outcomes and both decisive paths (exit 0: no state differs; 1: some do; 2: a "
                      "mistake in the command, or an exploration that cannot finish).",
         example="asl-interp diff 'CheckFPAdvSIMDEnabled64()' --from-profile v8.1-vhe --to-profile no-e2h0 "
                 "--set PSTATE.EL=EL1 --set HCR_EL2.E2H=0",
         exits={0: "no state differs", 1: "some states differ",
                2: "a mistake in the command or its files, an exploration that cannot finish, or nothing was "
                   "compared: a version has no state a processor can be in with the fixed fields"}, evaluates=True)
def _add_diff(p: argparse.ArgumentParser) -> None:
    p.add_argument("call", metavar="CALL", help="an ASL call both versions define, e.g. 'CheckVFPEnabled(TRUE)'")
    p.add_argument("--from", dest="from_spec", default="armv8.6", metavar="VERSION|DIR",
                   help="the older spec version (default: armv8.6)")
    p.add_argument("--to", dest="to_spec", default="armarm-2025", metavar="VERSION|DIR",
                   help="the newer spec version (default: armarm-2025)")
    p.add_argument("--profile", metavar="NAME|FILE",
                   help="the implementation, in both versions (profiles of the same name describe the same "
                        "implementation); default: the state file's, else 'default'")
    p.add_argument("--from-profile", metavar="NAME|FILE", help="the --from version's profile instead")
    p.add_argument("--to-profile", metavar="NAME|FILE", help="the --to version's profile instead")
    p.add_argument("--state", metavar="FILE.toml", help="fixed state from a state file ([registers] table; a .json "
                   "file: one object as a sweep line)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                   help="fix REG, REG.FIELD or PSTATE.FIELD in the versions that have it (after --state; "
                        "repeatable); everything not fixed is explored")
    p.add_argument("--vary-profile", dest="vary", action="append", default=[], metavar="KEY",
                   help="also explore the profile answer KEY, in the versions whose profile has it "
                        "(e.g. 'Halted()': Debug state; repeatable)")
    p.add_argument("--all-states", action="store_true",
                   help="keep the states either version's consistency rules reject (`asl-interp consistency` "
                        "lists them)")
    p.add_argument("--fine", action="store_true",
                   help="keep paths apart whose outcomes differ in anything a row shows; by default the paths of one compared "
                        "outcome are merged")
    _add_max_paths(p, " in either version")
    p.add_argument("--summary", action="store_true",
                   help="say what changed in short (the states by their outcome in each version), not each class")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--quiet", action="store_true", help="no progress on a terminal")
    _add_jobs(p, "on an exploration that lasts more than 0.15 s (this one and N-1 workers; "
                 "each version's in turn)")
    _add_html(p)
    p.add_argument("--examples", metavar="FILE", type=_output_file("--examples changed.jsonl"),
                   help="also write one state of each differing class to FILE, as JSON Lines, class [N] on line N, "
                        "as the --to version's sweep takes them; - writes them to standard output instead")


@_add_diff
def _cmd_diff(args: argparse.Namespace) -> int:
    """Exit 0 when no state differs, 1 when some do, 2 for mistakes in the command and when
    either version's exploration cannot finish (the message says why)."""
    try:
        return _diff(args)
    except ASLError as err:
        print(err.render(), file=sys.stderr)
        return 2


def _diff_profile_exists(spec: Any, side: str, name: str, option: str) -> None:
    """A UsageError naming the version (``side``: ``--from`` or ``--to``) when ``name`` is
    not a profile bundled with ``spec`` (a profile file's path is read when it is used)."""
    from ..errors import UsageError, suggest
    from ..machine.profile import not_a_profile_file, profile_names
    from ..syntax.source import is_file

    if "/" in name or name.endswith(".toml"):
        return
    names = profile_names(spec.profiles_dir)
    if name not in names and is_file(name):
        raise UsageError(f"{option}: {not_a_profile_file(name)}", notes=(f"bundled profiles of {spec.name}: "
                                                                         f"{', '.join(names)}",))
    if name not in names:
        hint = suggest(name, names)
        raise UsageError(f"{option}: {spec.name} ({side}) has no profile {name!r}" + (f"; {hint}" if hint else ""),
                         notes=(f"bundled profiles of {spec.name}: {', '.join(names)}",))


def _diff(args: argparse.Namespace) -> int:
    from ..analysis.diff import diff_json, diff_specs, render_diff
    from ..analysis.explore import DEFAULT_MAX_PATHS
    from ..errors import UsageError
    from .api import load_spec
    from .progress import progress
    from .report import diff_state, parse_call

    if args.html:
        from .html import check_target

        check_target(args.html)
    if args.summary and args.json:
        raise UsageError("--summary and --json: the JSON holds the summary (changes) and every class; choose one")
    if args.examples == "-" and (args.json or args.summary):
        raise UsageError("--examples - writes the states to standard output instead of the classes: give no --json "
                         "or --summary with it")
    specs = (load_spec(args.from_spec), load_spec(args.to_spec))
    if args.profile and (args.from_profile or args.to_profile):
        raise UsageError("give --profile (both versions), or --from-profile and --to-profile")
    for spec, side in zip(specs, ("--from", "--to")):
        try:
            parse_call(spec, args.call)
        except ASLError as err:  # which version lacks it
            raise type(err)(f"{side} {spec.name}: {err.message}", err.span, err.notes) from None
    fixed, state_profile = diff_state(specs, args.state, args.sets)
    profile = args.profile or state_profile or "default"
    for spec, side, own in zip(specs, ("--from", "--to"), (args.from_profile, args.to_profile)):
        _diff_profile_exists(spec, side, own or profile, f"{side}-profile" if own else "--profile" if args.profile
                             else "--state" if state_profile else "the default profile")
    max_paths = DEFAULT_MAX_PATHS if args.max_paths is None else args.max_paths
    with progress("exploring both versions", unit=" paths", quiet=args.quiet) as bar:
        result = diff_specs(*specs, args.call, profile_a=args.from_profile or profile,
                            profile_b=args.to_profile or profile, fixed=fixed, all_states=args.all_states,
                            vary=args.vary, max_paths=max_paths, fine=args.fine, jobs=args.jobs, progress=bar.set)
    if args.html:
        from .html import diff_page

        _wrote_html(args.html, diff_page(result))
    if args.examples:
        _write_diff_examples(args, result, args.to_profile or profile, args.from_profile or profile)
    if args.examples != "-":
        if args.json:
            write_json(diff_json(result))
        else:
            write(render_diff(result, summary=args.summary))
    if not result.compared:  # (a version that ran no state has no cube to meet the other's)
        return _nothing_compared(result)
    return 1 if result.differs else 0


def _nothing_compared(result: Any) -> int:
    """A diff where a version has no path left (its consistency rules reject every state
    the fixed fields leave), or where no state is in both versions' sets: no state was
    compared, which is not "no state differs"; an error saying so, and exit status 2, as for
    a check that checked nothing."""
    from ..analysis.diff import ran
    from ..analysis.explore import left_out_reasons

    for side in result.sides:
        if not ran(side):
            left = side.table.left_out
            why = (f" ({plural(sum(left.values()), 'path')} left out: {left_out_reasons(left)}; --all-states keeps "
                   f"them)" if left else "")
            print(f"error: nothing was compared: {side.name} (profile {side.profile}) has no state a processor can "
                  f"be in with the fixed fields{why}", file=sys.stderr)
    a, b = result.sides
    if ran(a) and ran(b) and not result.compared:
        print(f"error: nothing was compared: no state {a.name} (profile {a.profile}) keeps is one {b.name} (profile "
              f"{b.profile}) keeps: each version leaves out the states its consistency rules, with its profile, "
              "call inconsistent (--all-states keeps them)", file=sys.stderr)
    return EXIT_USAGE


def _write_diff_examples(args: argparse.Namespace, result: Any, profile: Any, from_profile: Any) -> None:
    """``diff --examples``: one state per differing class (:func:`~asl_interp.analysis.diff.class_example`),
    a JSON object a line, class [N] on line N; on stderr, how many and the sweeps that answer them."""
    import shlex

    from ..analysis.diff import class_example

    def sweep(side: int, spec: str, prof: Any) -> str:
        # (a comparison up to the entry call: the states give what the paths read up to it)
        at_entry = ["--stop-at-entry"] if result.up_to_entry and result.sides[side].spec.entry else []
        return (f"in {result.sides[side].name}: "
                + shlex.join(["asl-interp", "sweep", args.call, args.examples, "--spec", spec, "--profile", str(prof),
                              *at_entry]))

    def answered() -> str:
        said = [sweep(1, args.to_spec, profile)]
        if not any(version == result.sides[1].name for cls in result.classes for version in cls.only.values()):
            said.append(sweep(0, args.from_spec, from_profile))  # (no name only the to version has)
        return "their outcomes " + ", and ".join(said)

    _write_states(args.examples, "class", [lambda cls=cls: class_example(result, cls) for cls in result.classes],
                  answered)

