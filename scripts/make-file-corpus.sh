#!/usr/bin/env bash
# Rebuilds the file-check corpus in test/fixtures/files from the real receipts in test/fixtures/samples.
# Not run by the tests (the files are committed); run it after changing a case. The last python3 block (damaged and
# polyglot files) only needs the files made before it and python3.
# Needs Debian packages: libheif-examples (heif-enc), imagemagick, qpdf, ffmpeg, ghostscript, webp, zip, python3.
#   apt-get install -y libheif-examples imagemagick qpdf ffmpeg ghostscript webp zip
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=test/fixtures/files
SRC=test/fixtures/samples/receipts
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.{jpg,png,pdf,heic,heif,avif,gif,webp,txt,zip,docx,mp4,mov,ogg,bin}

# --- accepted -------------------------------------------------------------------------------------
convert "$SRC/sroie-404.jpg" -resize 600x -quality 80 "$OUT/receipt.jpg"
convert "$SRC/sroie-162.jpg" -resize 400x -colorspace Gray -depth 8 "$OUT/receipt.png"
convert "$SRC/sroie-060.jpg" -resize 640x -quality 85 "$TMP/base.jpg"
# HEIC straight from the real encoder (x265): major brand 'heic', compatible 'mif1','heic'.
heif-enc -q 50 -o "$OUT/receipt.heic" "$TMP/base.jpg"
# 10-bit HEVC (Main 10) from a 16-bit PNG.
convert "$TMP/base.jpg" -colorspace sRGB -type TrueColor -depth 16 "PNG48:$TMP/base16.png"
heif-enc -b 10 -q 50 -o "$TMP/ten.heic" "$TMP/base16.png"
heif-enc -A -q 50 -o "$OUT/receipt.avif" "$TMP/base.jpg"

python3 - "$OUT" "$TMP" <<'PY'
import sys, zlib, struct
out, tmp = sys.argv[1], sys.argv[2]

def rebrand(src, dst, major, compatible):
    """libheif 1.15's heif-enc always writes major brand 'heic'; other cameras write other brands. Only the
    'ftyp' box is rewritten (same size), the coded image is the encoder's."""
    data = open(src, 'rb').read()
    size = struct.unpack('>I', data[:4])[0]
    body = major + b'\0\0\0\0' + b''.join(compatible)
    assert len(body) == size - 8, (len(body), size)
    open(dst, 'wb').write(data[:8] + body + data[size:])

rebrand(f'{out}/receipt.heic', f'{out}/receipt-mif1.heif', b'mif1', [b'mif1', b'heic'])
rebrand(f'{tmp}/ten.heic', f'{out}/receipt-10bit-heix.heif', b'heix', [b'mif1', b'heix'])
rebrand(f'{out}/receipt.heic', f'{out}/receipt-heim.heic', b'heim', [b'mif1', b'heim'])

# Minimal but complete PDFs (classic xref table) with the real receipt as a DCT image and a text line per page.
def pdf(path, pages, jpeg_path):
    jpeg = open(jpeg_path, 'rb').read()
    w, h = 640, 0
    # read the JPEG size from its SOF0 marker
    i = 2
    while i < len(jpeg):
        marker, length = jpeg[i + 1], struct.unpack('>H', jpeg[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack('>HH', jpeg[i + 5:i + 9])
            break
        i += 2 + length
    objs = []
    objs.append(b'<< /Type /Catalog /Pages 2 0 R >>')
    kids = ' '.join(f'{3 + 3 * p} 0 R' for p in range(pages))
    objs.append(f'<< /Type /Pages /Kids [{kids}] /Count {pages} >>'.encode())
    for p in range(pages):
        page, content, image = 3 + 3 * p, 4 + 3 * p, 5 + 3 * p
        text = f'BT /F1 14 Tf 40 800 Td (Invoice page {p + 1} of {pages}) Tj ET q 300 0 0 {300 * h // w} 40 {780 - 300 * h // w} cm /Im0 Do Q'.encode()
        objs.append(f'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources << /Font << /F1 {3 + 3 * pages} 0 R >> /XObject << /Im0 {image} 0 R >> >> >>'.encode())
        objs.append(b'<< /Length %d >>\nstream\n' % len(text) + text + b'\nendstream')
        objs.append(b'<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n' % (w, h, len(jpeg)) + jpeg + b'\nendstream')
    objs.append(b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>')
    body = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
    offsets = []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(body))
        body += b'%d 0 obj\n' % n + obj + b'\nendobj\n'
    xref = len(body)
    body += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    body += b''.join(b'%010d 00000 n \n' % o for o in offsets)
    body += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
    open(path, 'wb').write(body)

pdf(f'{out}/invoice-1page.pdf', 1, f'{tmp}/base.jpg')
pdf(f'{out}/invoice-3pages.pdf', 3, f'{tmp}/base.jpg')

# A real decompression bomb: a 1-bit 25000×25000 PNG whose zeros deflate to a few dozen KB.
w = h = 25000
row = b'\0' + b'\0' * ((w + 7) // 8)
comp = zlib.compressobj(9)
idat = b''.join(comp.compress(row) for _ in range(h)) + comp.flush()
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 1, 0, 0, 0, 0)) + chunk(b'IDAT', idat) + chunk(b'IEND', b'')
open(f'{out}/bomb-25000px.png', 'wb').write(png)

# A JPEG whose frame header announces 30000×30000 (the scan data is the small original's).
jpeg = bytearray(open(f'{out}/receipt.jpg', 'rb').read())
i = 2
while True:
    marker, length = jpeg[i + 1], struct.unpack('>H', jpeg[i + 2:i + 4])[0]
    if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
        jpeg[i + 5:i + 9] = struct.pack('>HH', 30000, 30000)
        break
    i += 2 + length
open(f'{out}/bomb-30000px.jpg', 'wb').write(bytes(jpeg))

# A HEIC whose primary image's 'ispe' says 40000×30000 (1.2 gigapixels).
heic = bytearray(open(f'{out}/receipt.heic', 'rb').read())
at = heic.find(b'ispe')
primary_ispe = None
# heif-enc writes the tile's ispe first and the grid's (the primary) after it: patch every ispe.
while at >= 0:
    heic[at + 8:at + 16] = struct.pack('>II', 40000, 30000)
    at = heic.find(b'ispe', at + 4)
open(f'{out}/bomb-1200mp.heic', 'wb').write(bytes(heic))

# Cut-off downloads.
for name, keep in (('receipt.jpg', 0.6), ('receipt.heic', 0.7), ('receipt.png', 0.5)):
    data = open(f'{out}/{name}', 'rb').read()
    base, ext = name.rsplit('.', 1)
    open(f'{out}/truncated-{base}.{ext}', 'wb').write(data[:int(len(data) * keep)])
data = open(f'{out}/invoice-1page.pdf', 'rb').read()
open(f'{out}/invoice-no-eof.pdf', 'wb').write(data[:data.rindex(b'%%EOF')])
PY

# The same 3 pages rewritten by qpdf with object streams and a cross-reference stream: the page objects are
# then only inside compressed /ObjStm streams.
qpdf --object-streams=generate "$OUT/invoice-3pages.pdf" "$OUT/invoice-3pages-objstm.pdf"
# Password-protected (AES-256, user password "secret").
qpdf --encrypt secret owner-secret 256 -- "$OUT/invoice-1page.pdf" "$OUT/invoice-encrypted.pdf"
# A PDF from another producer (Ghostscript pdfwrite), 2 pages.
gs -q -o "$OUT/invoice-ghostscript.pdf" -sDEVICE=pdfwrite -c \
	"/Helvetica findfont 20 scalefont setfont 72 720 moveto (Invoice 2024-001) show showpage 72 720 moveto (Page 2) show showpage"

# --- refused --------------------------------------------------------------------------------------
convert "$OUT/receipt.jpg" -resize 120x -colors 16 "$OUT/animation.gif"
cwebp -quiet -q 60 -resize 128 0 "$OUT/receipt.jpg" -o "$OUT/sticker.webp"
printf 'Hello, here is my receipt for the taxi, 23.50 EUR.\nThanks!\n' > "$OUT/notes.txt"
(cd "$TMP" && cp "$OLDPWD/$OUT/notes.txt" . && zip -q -X archive.zip notes.txt) && cp "$TMP/archive.zip" "$OUT/archive.zip"
# A DOCX is a ZIP with [Content_Types].xml and word/document.xml.
mkdir -p "$TMP/docx/_rels" "$TMP/docx/word"
cat > "$TMP/docx/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
XML
cat > "$TMP/docx/_rels/.rels" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
XML
cat > "$TMP/docx/word/document.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Invoice 2024-001, total 120.00 EUR</w:t></w:r></w:p></w:body></w:document>
XML
(cd "$TMP/docx" && zip -q -X -r ../invoice.docx '[Content_Types].xml' _rels word) && cp "$TMP/invoice.docx" "$OUT/invoice.docx"
ffmpeg -v error -f lavfi -i testsrc=size=96x64:rate=10 -t 1 -pix_fmt yuv420p -c:v libx264 -y "$OUT/clip.mp4"
ffmpeg -v error -f lavfi -i testsrc=size=96x64:rate=10 -t 1 -pix_fmt yuv420p -c:v libx264 -f mov -y "$OUT/clip.mov"
ffmpeg -v error -f lavfi -i sine=frequency=440:duration=1 -c:a libopus -b:a 16k -y "$OUT/voice.ogg"
: > "$OUT/empty.jpg"
cp "$OUT/animation.gif" "$OUT/gif-renamed.jpg"
cp "$OUT/invoice-1page.pdf" "$OUT/pdf-renamed.heic"

# --- damaged and polyglot files, made from the files above (python3 only, so they can be remade alone) --------
python3 - "$OUT" <<'PY'
import re, struct, sys, zipfile, zlib
out = sys.argv[1]

def read(name):
    return open(f'{out}/{name}', 'rb').read()

def chunks(png):
    """(offset, type, length) of every PNG chunk."""
    at, found = 8, []
    while at < len(png):
        length = struct.unpack('>I', png[at:at + 4])[0]
        found.append((at, png[at + 4:at + 8], length))
        at += 12 + length
    return found

# A PNG damaged in transit: one flipped bit in the middle of the first IDAT's data, its CRC left as it was.
png = bytearray(read('receipt.png'))
at, _, length = next(c for c in chunks(png) if c[1] == b'IDAT')
png[at + 8 + length // 2] ^= 0x10
open(f'{out}/corrupt-idat-crc.png', 'wb').write(bytes(png))
# A PNG whose header chunk's CRC is wrong (the header values themselves are intact).
png = bytearray(read('receipt.png'))
at, _, length = chunks(png)[0]
png[at + 8 + length + 3] ^= 0x01
open(f'{out}/corrupt-ihdr-crc.png', 'wb').write(bytes(png))

def classic_pdf(objects, info=None):
    """A PDF 1.4 with a classic xref table; object n is objects[n - 1]."""
    body = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b'%d 0 obj\n' % n + obj + b'\nendobj\n'
    xref = len(body)
    body += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1) + b''.join(b'%010d 00000 n \n' % o for o in offsets)
    body += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, xref)
    return body

# A PDF whose catalog lost its page tree, and with no page object anywhere: nothing a reader could show.
text = b'BT /F1 14 Tf 40 800 Td (Invoice 2024-001) Tj ET'
open(f'{out}/invoice-no-pages.pdf', 'wb').write(classic_pdf([
    b'<< /Type /Catalog >>',
    b'<< /Length %d >>\nstream\n' % len(text) + text + b'\nendstream',
    b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
]))

# An incremental update as PDF editors append it: a new document-information object, an xref section for it
# and a trailer pointing back (/Prev) to the original one; the file then has two %%EOF.
pdf = read('invoice-1page.pdf')
prev = int(re.findall(rb'startxref\s+(\d+)', pdf)[-1])
size = int(re.findall(rb'/Size (\d+)', pdf)[-1])
update = b'%d 0 obj\n<< /Title (Invoice 2024-001) /Producer (make-file-corpus.sh) >>\nendobj\n' % size
xref = len(pdf) + len(update)
update += b'xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n' % (size, len(pdf))
update += b'trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' % (size + 1, size, prev, xref)
open(f'{out}/invoice-incremental-update.pdf', 'wb').write(pdf + update)

def zip_behind(host, dst, copy_name):
    """A JPEG/ZIP or PDF/ZIP polyglot: zipfile appends a real archive (offsets from the start of the file, so unzip
    opens it) holding a note and an uncompressed copy of the host, whose FFD9 or %%EOF then sits in the ZIP."""
    data = read(host)
    open(f'{out}/{dst}', 'wb').write(data)
    with zipfile.ZipFile(f'{out}/{dst}', 'a') as archive:
        for name, content, method in (('notes.txt', read('notes.txt'), zipfile.ZIP_DEFLATED), (copy_name, data, zipfile.ZIP_STORED)):
            entry = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 12, 0, 0))
            entry.compress_type = method
            archive.writestr(entry, content)

zip_behind('receipt.jpg', 'polyglot-receipt-zip.jpg', 'copy.jpg')
zip_behind('invoice-1page.pdf', 'polyglot-invoice-zip.pdf', 'copy.pdf')
PY

qpdf --check "$OUT/invoice-3pages-objstm.pdf" > /dev/null
ls -l "$OUT"
