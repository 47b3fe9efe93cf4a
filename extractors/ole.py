"""DOC and WPS reader (OLE compound files): LibreOffice converts them to DOCX, which `read_docx` reads."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractors.docx import ENCRYPTED_PACKAGE, read_docx
from extractors.limits import current_limits
from extractors.model import ExtractionError, Layout
from extractors.sniff import OLE_MAGIC

CONVERSION_TIMEOUT_S = 120
MEDIA_TYPES = {"doc": "application/msword", "wps": "application/vnd.ms-works"}
# Stream names in an OLE directory are UTF-16LE; a Word 97 file (and a WPS Office .wps) has WordDocument.
WORD_STREAM = "WordDocument".encode("utf-16-le")
OTHER_OLE_KINDS = {"Workbook": "an Excel 97–2003 workbook", "PowerPoint Document": "a PowerPoint 97–2003 deck"}
# Without a named import filter LibreOffice opens a file it cannot recognise as plain text, and a
# damaged .doc would come back as one paragraph of mojibake instead of an error.
WORD_97_FILTER = "MS Word 97"
INSTALL_HINT = "install LibreOffice (Debian package: libreoffice-writer-nogui) and make `soffice` available on PATH"


# A Word 97–2003 document's File Information Block opens its WordDocument stream: wIdent 0xA5EC, then nFib,
# and at offset 0x0A flags where fEncrypted (0x0100) or fObfuscated (0x8000) mean a password protects it.
_FIB_IDENT = b"\xec\xa5"
_WORD97_NFIB = {0x00C1, 0x00D9, 0x0101, 0x010C, 0x0112}
_SECTOR = 512


def word_fib_encrypted(data: bytes) -> bool:
    """Whether the Word 97 document's FIB says it is encrypted (read up front: no LibreOffice needed).

    The stream starts on a sector boundary; the first sector that opens with a Word 97 FIB is taken."""
    for offset in range(_SECTOR, len(data) - 12, _SECTOR):
        if data[offset:offset + 2] == _FIB_IDENT and \
                int.from_bytes(data[offset + 2:offset + 4], "little") in _WORD97_NFIB:
            flags = int.from_bytes(data[offset + 0x0A:offset + 0x0C], "little")
            return bool(flags & 0x0100 or flags & 0x8000)
    return False


def read_ole(data: bytes, kind: str = "doc") -> Layout:
    """A Word 97–2003 (.doc) or WPS Office (.wps) document as a Layout, by way of LibreOffice."""
    if not data.startswith(OLE_MAGIC):
        raise ExtractionError("corrupt", f"not a .{kind} file: it does not start like an OLE compound file")
    if ENCRYPTED_PACKAGE in data:
        raise ExtractionError("encrypted", "the document is password-protected; save it without a password "
                                           "and try again")
    if WORD_STREAM in data and word_fib_encrypted(data):
        raise ExtractionError("encrypted", "the document is password-protected; save it without a password "
                                           "and try again")
    if WORD_STREAM not in data:
        for stream, what in OTHER_OLE_KINDS.items():
            if stream.encode("utf-16-le") in data:
                raise ExtractionError("unsupported_format", f"this .{kind} file is {what}, not a Word document")
        raise ExtractionError("corrupt", f"the .{kind} file has no Word document stream; it is damaged or "
                                         "not a Word/WPS document")
    layout = read_docx(convert_with_libreoffice(data, "." + kind, "docx", input_filter=WORD_97_FILTER))
    layout.media_type = MEDIA_TYPES.get(kind, MEDIA_TYPES["doc"])
    layout.meta["converted_by"] = "libreoffice"
    return layout


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(data: bytes, suffix: str, target: str, input_filter: str | None = None,
                             timeout: float = CONVERSION_TIMEOUT_S) -> bytes:
    """Convert a document with headless LibreOffice; `target` is a --convert-to value such as "docx" or "pdf".

    `input_filter` names LibreOffice's import filter (e.g. "MS Word 97") instead of letting it guess.

    Each call runs in its own temp dir with its own user profile: LibreOffice refuses to share a
    profile between running instances, so parallel conversions would otherwise fail or hang.
    """
    soffice = soffice_path()
    if soffice is None:
        raise ExtractionError("needs_libreoffice", f"reading this format needs LibreOffice: {INSTALL_HINT}")
    suffix = suffix if suffix.startswith(".") else "." + suffix
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="gkreports-soffice-") as work:
        work_dir = Path(work)
        source = work_dir / f"document{suffix}"
        source.write_bytes(data)
        out_dir = work_dir / "out"
        command = [soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--nologo", "--nodefault",
                   *([f"--infilter={input_filter}"] if input_filter else []), "--convert-to", target, "--outdir", str(out_dir), str(source)]
        # The extraction's memory bound, set by the shell that then becomes soffice (a preexec_fn is unsafe in a
        # process with threads); soffice.bin and anything it starts inherit it.
        memory_mb = current_limits().memory_mb
        command = ["/bin/sh", "-c", f'ulimit -v {memory_mb * 1024} && exec "$0" "$@"', *command]
        # A session of its own, so a timeout can end soffice.bin too, not only the launcher script.
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=work, start_new_session=True)
        _RUNNING.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ExtractionError("conversion_timeout", f"LibreOffice did not finish converting the {suffix} file "
                                             f"within {timeout:g} s") from None
        except BaseException:  # the extraction itself was stopped: LibreOffice must not outlive it
            _kill_group(process)
            raise
        finally:
            _RUNNING.discard(process)
        result = out_dir / f"document.{extension}"
        if not result.is_file() and _out_of_memory(process.returncode, stdout + stderr):
            raise ExtractionError("too_large", f"LibreOffice aborted converting the {suffix} file, out of memory: it is"
                                               f" limited to {memory_mb:,} MB (GKREPORTS_EXTRACT_MEMORY_MB)")
        if not result.is_file():
            said = _converter_message(stdout, stderr)
            raise ExtractionError("corrupt", f"LibreOffice could not convert the {suffix} file to {extension}"
                                             f" (exit status {process.returncode}): {said}")
        return result.read_bytes()


# Conversions under way in this process, so that a process being stopped can end them first (their own session
# keeps them out of its process group).
_RUNNING: set[subprocess.Popen] = set()


def kill_conversions() -> None:
    """End every LibreOffice this process started and has not finished with (called by a worker being stopped)."""
    for process in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


# How LibreOffice ends when an allocation fails: an uncaught std::bad_alloc aborts it (SIGABRT; its launcher
# script then exits 128 + 6), after "Unspecified Application Error" / "Fatal exception: Signal 6".
_OUT_OF_MEMORY = (b"bad_alloc", b"out of memory", b"cannot allocate memory", b"fatal exception: signal 6")


def _out_of_memory(returncode: int | None, said: bytes) -> bool:
    said = said.lower()
    return any(words in said for words in _OUT_OF_MEMORY) or returncode in (-signal.SIGABRT, 128 + signal.SIGABRT)


def _converter_message(stdout: bytes, stderr: bytes) -> str:
    """LibreOffice's own words, minus its routine start-up noise."""
    lines = [line.strip() for line in (stderr + b"\n" + stdout).decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and "javaldx" not in line]
    return "; ".join(lines[-3:]) or "no message"
