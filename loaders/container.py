"""What an upload is, from its bytes, and a zip read defensively.

Nothing here trusts the file: the kind comes from magic numbers, not from the name; a
zip's central directory is bounded before anything is decompressed; every part is then
decompressed by us, chunk by chunk, and must produce exactly the size and CRC it declares,
so calamine (which reads the zip again with its own library) never meets a part we did not
measure. XML parts must also be well-formed, checked by expat as they stream (no tree, no
Python call per element): calamine's lenient parser reads broken XML its own way, and
spins forever on some of it (an .ods table that is never closed). The exception is an
.xlsx's worksheets and shared strings, the bulk of a workbook: expat cost as much as
calamine's whole read there, and calamine's .xlsx reader stops at the end of a part in
every loop (its source; 40,000 truncated or mutated parts, as `tests/test_scans.py::
test_sc009` makes them, never hung it), so their own byte scan refuses DTDs and sends any
part declared in another encoding than UTF-8 to expat (see `ooxml.SheetScanner`).
"""
from __future__ import annotations

import io
import struct
import xml.parsers.expat
import zipfile
from collections.abc import Iterable, Iterator

# zlib-ng: zlib's interface and zlib's checks (it refuses every corrupt stream zlib refuses,
# `tests/test_reading.py::test_rd052`), with an inflate about twice as fast and a CRC four
# times: a tenth of a small workbook's load went to inflating its parts and checking them.
from zlib_ng import zlib_ng as zlib

from loaders.limits import MB, Limits
from loaders.problems import UnreadableFile

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_MAGICS = (
    b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*",
    b"RIFF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"{\\rtf", b"%!PS", b"\x00\x00\x01\x00",
)
CHUNK = 64 * 1024
# Parts calamine never parses as XML: measured, not checked as XML, because an SVG may
# carry a DOCTYPE, Excel's VML drawings are not well-formed, embedded objects are zips.
_OPAQUE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf",
                      ".wmf", ".svg", ".wdp", ".bin", ".odttf", ".ttf", ".vml", ".docx",
                      ".docm", ".xlsx", ".xlsm", ".xlsb", ".pptx", ".pptm", ".doc", ".xls",
                      ".ppt", ".pdf", ".odt", ".ods", ".odp", ".odg", ".sldx")


def sniff(data: bytes) -> str:
    """'zip', 'ole2', 'text' or 'other', from the first bytes only."""
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "zip"
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if data.startswith(UTF16_BOMS):
        return "text"
    if data.startswith(_BINARY_MAGICS):
        return "other"
    sample = data[:CHUNK]
    if b"\x00" in sample or sample.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "other"  # binary, or HTML/XML (a web page saved as .xls)
    controls = sum(sample.count(bytes([byte])) for byte in range(32) if byte not in (9, 10, 13))
    return "other" if controls > len(sample) // 100 else "text"


def ole2_kind(data: bytes) -> str:
    """'encrypted' (password-protected OOXML), 'xls' (Excel 97-2003) or 'other' (Word…)."""
    # OLE2 directory entries are named in UTF-16LE; Office encryption wraps the real
    # .xlsx in an `EncryptedPackage` stream.
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return "xls"
    return "other"


class ZipPackage:
    """A zip container whose every part is bounded and verified before it is trusted."""

    def __init__(self, data: bytes, name: str, limits: Limits):
        self._data = data
        self.name = name
        self.limits = limits
        declared = _declared_entries(data)
        if declared is not None and declared > limits.max_zip_entries:
            raise UnreadableFile("file_too_many_parts", name=name, limit=limits.max_zip_entries)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error,
                NotImplementedError) as error:
            raise UnreadableFile("file_corrupt", name=name) from error
        if len(infos) > limits.max_zip_entries:
            raise UnreadableFile("file_too_many_parts", name=name, limit=limits.max_zip_entries)
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            # Two parts with one name: we could measure one while calamine reads the other.
            raise UnreadableFile("file_corrupt", name=name)
        if sum(info.file_size for info in infos) > limits.max_uncompressed:
            raise UnreadableFile("file_too_large_uncompressed", name=name,
                                 limit_mb=limits.max_uncompressed // MB)
        for info in infos:
            if info.flag_bits & 0x1:
                raise UnreadableFile("file_encrypted", name=name)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnreadableFile("file_corrupt", name=name)
            if (info.file_size > limits.ratio_floor
                    and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
                raise UnreadableFile("file_compression_suspicious", name=name)
        self.infos = {info.filename: info for info in infos}

    def __contains__(self, part: str) -> bool:
        return part in self.infos

    def is_xml(self, part: str) -> bool:
        """Whether calamine or we may parse this part as XML: checked as XML if it looks it."""
        return (not part.lower().endswith(_OPAQUE_EXTENSIONS) and not part.endswith("/")
                and part != "mimetype")

    def read(self, part: str) -> bytes:
        """A whole (small) part, verified."""
        return b"".join(self.stream(part))

    def stream(self, part: str, check_xml: bool = True, chunk: int = CHUNK) -> Iterator[bytes]:
        """The decompressed part in chunks: exactly the declared size and CRC, or refused.

        `check_xml=False` leaves the XML check (expat) to the caller: for the parts whose
        byte scan refuses DTDs itself and that calamine parses without ever hanging
        (worksheets and shared strings; see `reading._read_ooxml`).
        """
        info = self.infos[part]
        raw = self._raw(info)
        checker = _XmlCheck(self.name, part.lower().endswith((".xml", ".rels"))) \
            if check_xml and self.is_xml(part) else None
        produced = 0
        crc = 0
        try:
            for piece in _inflate(raw, info.compress_type, chunk):
                produced += len(piece)
                if produced > info.file_size:
                    # The stream inflates past its declared size: a disguised bomb.
                    raise UnreadableFile("file_compression_suspicious", name=self.name)
                crc = zlib.crc32(piece, crc)
                if checker is not None:
                    checker.feed(piece)
                yield piece
        except _BrokenStream as error:
            raise UnreadableFile("file_corrupt", name=self.name) from error
        if produced != info.file_size or crc != info.CRC:
            raise UnreadableFile("file_corrupt", name=self.name)
        if checker is not None:
            checker.close()

    def verify(self, part: str) -> None:
        """Decompress a part only to measure it (size, CRC, DTD)."""
        for _ in self.stream(part):
            pass

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        header = self._data[info.header_offset:info.header_offset + 30]
        if len(header) < 30 or not header.startswith(ZIP_MAGIC):
            raise UnreadableFile("file_corrupt", name=self.name)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_length + extra_length
        if start + info.compress_size > len(self._data):
            raise UnreadableFile("file_corrupt", name=self.name)  # truncated download
        return memoryview(self._data)[start:start + info.compress_size]


def _inflate(raw: memoryview, method: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """Pieces of a part's content, never more than `chunk` bytes at once, whatever it claims."""
    if method == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), chunk):
            yield bytes(raw[offset:offset + chunk])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    offset = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail, chunk)
            elif offset < len(raw):
                piece = inflater.decompress(raw[offset:offset + CHUNK], chunk)
                offset += CHUNK
            else:
                piece = inflater.decompress(b"", chunk)
                if not piece:
                    break  # input exhausted before the end of the deflate stream
            if piece:
                yield piece
    except zlib.error as error:
        raise _BrokenStream() from error
    if not inflater.eof:
        raise _BrokenStream()


class _BrokenStream(Exception):
    """A deflate stream that is cut or malformed; `stream` names the file."""


class _XmlCheck:
    """Whether a part is XML, from its first bytes (a `.xml` or `.rels` part always is);
    if so: no DTD, and well-formed, by expat fed chunk by chunk with no handler but the
    ones refusing a DTD (what defusedxml does, without building anything)."""

    _DECIDE_AFTER = 64  # bytes: a crafted deflate stream can start with a 1-byte chunk

    def __init__(self, name: str, always: bool):
        self._name = name
        self._always = always
        self._head: bytes | None = b""  # None once decided
        self._parser = None
        self._tail = b""

    def feed(self, piece: bytes) -> None:
        if self._head is not None:
            self._head += piece
            if len(self._head) >= self._DECIDE_AFTER:
                self._decide()
        elif self._parser is not None:
            self._parse(piece)

    def close(self) -> None:
        if self._head is not None:
            self._decide()
        if self._parser is not None:
            self._parse(b"", final=True)

    def _decide(self) -> None:
        head, self._head = self._head, None
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if self._always or head.startswith(UTF16_BOMS) or not start or start.startswith(b"<"):
            self._parser = xml.parsers.expat.ParserCreate()
            self._parser.StartDoctypeDeclHandler = self._refuse
            self._parser.EntityDeclHandler = self._refuse
            self._parse(head)

    def _parse(self, piece: bytes, final: bool = False) -> None:
        _refuse_dtd(self._tail + piece, self._name)  # before expat: the clearer sentence
        self._tail = piece[-16:]
        try:
            self._parser.Parse(piece, final)
        except (xml.parsers.expat.ExpatError, LookupError) as error:  # LookupError: encoding="…"
            raise UnreadableFile("file_corrupt", name=self._name) from error

    def _refuse(self, *declaration) -> None:
        raise UnreadableFile("file_xml_dtd", name=self._name)


def _refuse_dtd(text: bytes, name: str) -> None:
    """Refuse any DOCTYPE or ENTITY declaration: entity expansion is the XML bomb."""
    start = text.find(b"<!")
    while start >= 0:
        word = text[start + 2:start + 9].upper()
        if word.startswith((b"DOCTYPE", b"ENTITY")):
            raise UnreadableFile("file_xml_dtd", name=name)
        start = text.find(b"<!", start + 2)


def _declared_entries(data: bytes) -> int | None:
    """The entry count from the end-of-central-directory record, before zipfile builds
    one object per entry (a 20 MB directory would be 400,000 of them)."""
    tail = data[-(22 + 0xFFFF):]
    at = tail.rfind(EMPTY_ZIP_MAGIC)
    if at < 0 or len(tail) - at < 22:
        return None  # zipfile reports the damage
    (entries,) = struct.unpack("<H", tail[at + 10:at + 12])
    if entries == 0xFFFF:  # zip64: count the central directory headers instead
        return data.count(b"PK\x01\x02")
    return entries


class ChunkReader(io.RawIOBase):
    """A file over an iterator of byte chunks, so an XML parser streams a zip part."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
