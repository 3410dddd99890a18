"""Real files for the reading tests, built in a few milliseconds each.

- `ods_document`: a minimal valid .ods (mimetype stored first, manifest, content.xml);
- `raw_zip`: a zip written byte by byte, so a test can declare sizes a library would not;
- `deflate_repeated`: the deflate stream of gigabytes of one byte, without compressing them;
- `ole2_document`: a minimal compound file (the container of .xls and encrypted .xlsx).
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

# --- .ods --------------------------------------------------------------------------------

_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')
_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def ods_cell(value=None, *, kind: str = "", repeat: int = 1, rows_spanned: int = 1,
             columns_spanned: int = 1, formula: str = "", covered: bool = False) -> str:
    """One cell: a string, a number (float), or an ISO date with kind="date"; None = blank."""
    attributes = ""
    if repeat > 1:
        attributes += f' table:number-columns-repeated="{repeat}"'
    if rows_spanned > 1:
        attributes += f' table:number-rows-spanned="{rows_spanned}"'
    if columns_spanned > 1:
        attributes += f' table:number-columns-spanned="{columns_spanned}"'
    if formula:
        attributes += f' table:formula="of:={formula}"'
    tag = "table:covered-table-cell" if covered else "table:table-cell"
    if value is None:
        return f"<{tag}{attributes}/>"
    if kind == "date":
        attributes += f' office:value-type="date" office:date-value="{value}"'
    elif isinstance(value, (int, float)):
        attributes += f' office:value-type="float" office:value="{value}"'
    else:
        attributes += ' office:value-type="string"'
    return f"<{tag}{attributes}><text:p>{value}</text:p></{tag}>"


def ods_row(*cells: str, repeat: int = 1) -> str:
    attributes = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attributes}>{''.join(cells)}</table:table-row>"


def ods_table(name: str, *rows: str, hidden: bool = False) -> str:
    style = "hidden" if hidden else "shown"
    return (f'<table:table table:name="{name}" table:style-name="{style}">'
            f'{"".join(rows)}</table:table>')


def ods_content(*tables: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
            f'<office:document-content {_ODS_NAMESPACES} office:version="1.2">'
            '<office:automatic-styles>'
            '<style:style style:name="shown" style:family="table">'
            '<style:table-properties table:display="true"/></style:style>'
            '<style:style style:name="hidden" style:family="table">'
            '<style:table-properties table:display="false"/></style:style>'
            '</office:automatic-styles>'
            f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet>'
            '</office:body></office:document-content>').encode()


def ods_document(path: Path, *tables: str, content: bytes | None = None) -> Path:
    """Write a minimal valid .ods: `mimetype` first and stored, as the standard requires."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content or ods_content(*tables),
                         compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- zips written byte by byte -----------------------------------------------------------

@dataclass
class RawEntry:
    name: str
    payload: bytes  # as stored in the zip (deflated unless method is 0)
    size: int  # the uncompressed size the directory declares
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, content: bytes) -> RawEntry:
    """An honest entry."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return RawEntry(name, compressor.compress(content) + compressor.flush(), len(content),
                    zlib.crc32(content))


def raw_zip(entries: list[RawEntry]) -> bytes:
    """A zip whose headers say exactly what the entries say, true or not."""
    body, directory = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, entry.method, 0, 0x21,
                            entry.crc, len(entry.payload), entry.size, len(name), 0)
        body += name + entry.payload
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0,
                                 entry.method, 0, 0x21, entry.crc, len(entry.payload),
                                 entry.size, len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(directory), len(body), 0)
    return bytes(body + directory + end)


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def deflate_repeated(prefix: bytes, byte: bytes, count_mib: int, suffix: bytes,
                     ) -> tuple[bytes, int, int]:
    """(deflate stream, size, CRC) of prefix + count_mib MiB of `byte` + suffix.

    Deflate compresses a MiB of one byte to about a KiB; after a full flush the compressor
    starts afresh, so that KiB can be repeated instead of recomputed, and the CRC of the
    repetition is combined the way zlib's crc32_combine does, without reading a GiB.
    """
    block = byte * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc, block_crc = zlib.crc32(prefix), zlib.crc32(block)
    # CRC of `count` blocks by doubling: crc(AA) = combine(crc(A), crc(A), len(A)).
    blocks_crc, blocks_length, count = 0, 0, count_mib
    power_crc, power_length = block_crc, len(block)
    while count:
        if count & 1:
            blocks_crc = crc32_combine(blocks_crc, power_crc, power_length) if blocks_length else power_crc
            blocks_length += power_length
        power_crc = crc32_combine(power_crc, power_crc, power_length)
        power_length *= 2
        count >>= 1
    crc = crc32_combine(crc, blocks_crc, blocks_length)
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))
    size = len(prefix) + blocks_length + len(suffix)
    return head + repeated * count_mib + tail, size, crc


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """zlib's crc32_combine: the CRC of A+B from crc(A), crc(B) and len(B)."""
    if length2 <= 0:
        return crc1

    def times(matrix, vector):
        total, index = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[index]
            vector >>= 1
            index += 1
        return total

    def square(matrix):
        return [times(matrix, matrix[n]) for n in range(32)]

    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


# --- OLE2 compound files -----------------------------------------------------------------

def ole2_document(*stream_names: str) -> bytes:
    """A valid compound file with empty streams of these names: what .xls (`Workbook`) and
    password-protected .xlsx (`EncryptionInfo`, `EncryptedPackage`) are made of."""
    end_of_chain, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    no_stream = 0xFFFFFFFF
    entries = ["Root Entry", *stream_names]
    directory_sectors = -(-len(entries) * 128 // 512)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                         b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096,
                         end_of_chain, 0, end_of_chain, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # DIFAT: FAT in sector 0
    fat = [fat_sector] + [n + 2 for n in range(directory_sectors - 1)] + [end_of_chain]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (128 - len(fat))
    directory = bytearray()
    for index, entry_name in enumerate(entries):
        encoded = (entry_name + "\0").encode("utf-16-le")
        kind = 5 if index == 0 else 2
        child = 1 if index == 0 and len(entries) > 1 else no_stream
        right = index + 1 if 0 < index < len(entries) - 1 else no_stream
        directory += struct.pack("<64sHBBIII16sIQQIII", encoded, len(encoded), kind, 1,
                                 no_stream, right, child, b"\0" * 16, 0, 0, 0,
                                 end_of_chain, 0, 0)
    directory += b"\0" * (directory_sectors * 512 - len(directory))
    return header + fat_bytes + bytes(directory)
