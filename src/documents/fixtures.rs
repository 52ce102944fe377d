//! Small documents made by the tests of [`super::inspect`] and [`super::blind`]: PDFs (with
//! lopdf, or by hand when the bytes themselves are the point), Office and OFD packages, ZIPs,
//! PNG and JPEG images.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Document, Object, Stream, StringFormat, dictionary};

/// The team named in the fixtures' metadata, and the document's title.
pub const AUTHOR: &str = "张三团队";
pub const TITLE: &str = "某某大学申报书";
/// The author of a PDF comment and of an Office comment.
pub const COMMENTER: &str = "李四";
/// Text on the PDF's page.
pub const PAGE_TEXT: &str = "Blind review sample";

/// A PDF text string: UTF-16BE with its byte-order mark, written `(…)`.
pub fn pdf_text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend_from_slice(&utf16be(text));
    Object::String(bytes, StringFormat::Literal)
}

/// The same written `<…>` in hex.
pub fn pdf_hex_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend_from_slice(&utf16be(text));
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// `bytes` in hex, upper case, as a PDF hex string holds them.
pub fn hex(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect()
}

pub fn utf16be(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn xmp(author: &str, title: &str) -> String {
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    )
}

/// A PDF of `pages` pages naming [`AUTHOR`] and [`TITLE`] in its Info dictionary (with a custom
/// `/Team` key), in a Flate-compressed XMP stream of the catalog and in an XMP stream of its
/// first page, and [`COMMENTER`] as the author of a comment; each page shows [`PAGE_TEXT`].
pub fn pdf_with_metadata(pages: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for number in 0..pages {
        let content = format!("BT /F1 24 Tf 72 720 Td ({PAGE_TEXT} {}) Tj ET", number + 1);
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        };
        if number == 0 {
            let page_xmp = doc.add_object(Stream::new(
                dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
                xmp(AUTHOR, TITLE).into_bytes(),
            ));
            page.set("Metadata", page_xmp);
            page.set(
                "Annots",
                vec![Object::Dictionary(dictionary! {
                    "Type" => "Annot",
                    "Subtype" => "Text",
                    "Rect" => vec![10.into(), 10.into(), 30.into(), 30.into()],
                    "T" => pdf_text_string(COMMENTER),
                    "Contents" => Object::string_literal("please check"),
                })],
            );
        }
        kids.push(Object::Reference(doc.add_object(page)));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => pages as i64,
        }),
    );
    let xmp_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "Metadata",
            "Subtype" => "XML",
            "Filter" => "FlateDecode",
        },
        zlib(xmp(AUTHOR, TITLE).as_bytes()),
    ));
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Metadata" => xmp_id,
    });
    let info_id = doc.add_object(dictionary! {
        "Author" => pdf_text_string(AUTHOR),
        "Title" => pdf_hex_string(TITLE),
        "Subject" => pdf_text_string("揭榜挂帅申报"),
        "Keywords" => pdf_text_string(AUTHOR),
        "Creator" => Object::string_literal("Writer"),
        "Producer" => Object::string_literal("LibreOffice"),
        "Team" => pdf_text_string(AUTHOR),
        "CreationDate" => Object::string_literal("D:20260101120000Z"),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A PDF written by hand from object bodies (`1 0 obj` … numbered from 1, the first being the
/// catalog), with a correct cross-reference table.
pub fn pdf_from_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The catalog, pages and one page, objects 1 to 3, with `extra` in the catalog.
pub fn pdf_skeleton(extra: &str) -> Vec<Vec<u8>> {
    vec![
        format!("<< /Type /Catalog /Pages 2 0 R {extra} >>").into_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
    ]
}

/// A stream object with `dict` (without `/Length`) and `data`.
pub fn pdf_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\r\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\r\nendstream");
    body
}

/// An object stream (`/Type /ObjStm`, Flate) holding `objects` numbered from `first_number`.
pub fn pdf_object_stream(first_number: usize, objects: &[&str]) -> Vec<u8> {
    let mut header = String::new();
    let mut bodies = String::new();
    for (index, object) in objects.iter().enumerate() {
        header.push_str(&format!("{} {} ", first_number + index, bodies.len()));
        bodies.push_str(object);
        bodies.push(' ');
    }
    let data = format!("{header}{bodies}");
    pdf_stream(
        &format!(
            "/Type /ObjStm /N {} /First {} /Filter /FlateDecode",
            objects.len(),
            header.len()
        ),
        &zlib(data.as_bytes()),
    )
}

/// A ZIP of `entries` (deflated).
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

pub fn core_xml(author: &str, title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject>揭榜挂帅</dc:subject><dc:creator>{author}</dc:creator><cp:keywords>{author}</cp:keywords><dc:description>由{author}撰写</dc:description><cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T12:00:00Z</dcterms:created></cp:coreProperties>"#
    )
}

pub fn app_xml(company: &str, title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Office Word</Application><Pages>1</Pages><Company>{company}</Company><Manager>{company}</Manager><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Title</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>{title}</vt:lpstr></vt:vector></TitlesOfParts></Properties>"#
    )
}

pub fn custom_xml(team: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Team"><vt:lpwstr>{team}</vt:lpwstr></property><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" name="Version"><vt:i4>2</vt:i4></property></Properties>"#
    )
}

/// The main part of an OOXML package of `kind` (`word`, `xl`, `ppt`).
fn ooxml_main(folder: &str) -> (&'static str, &'static str) {
    match folder {
        "word" => (
            "word/document.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>申报书正文</w:t></w:r><w:ins w:id="1" w:author="李四" w:date="2026-01-02T00:00:00Z"><w:r><w:t>修订</w:t></w:r></w:ins></w:p></w:body></w:document>"#,
        ),
        "xl" => (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>"#,
        ),
        _ => (
            "ppt/presentation.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>"#,
        ),
    }
}

/// A minimal OOXML package (`word`, `xl` or `ppt`) whose properties name [`AUTHOR`] and
/// [`TITLE`], plus `extra` entries.
pub fn ooxml(folder: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let (main, main_xml) = ooxml_main(folder);
    let content_types = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="main.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"#;
    let core = core_xml(AUTHOR, TITLE);
    let app = app_xml("某某大学", TITLE);
    let custom = custom_xml(AUTHOR);
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        (main, main_xml.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", app.as_bytes()),
        ("docProps/custom.xml", custom.as_bytes()),
    ];
    entries.extend_from_slice(extra);
    zip_of(&entries)
}

pub fn ofd_xml(author: &str, title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>6f1a2b3c</ofd:DocID><ofd:Title>{title}</ofd:Title><ofd:Author>{author}</ofd:Author><ofd:Subject>揭榜挂帅</ofd:Subject><ofd:Creator>{author}</ofd:Creator><ofd:CreatorVersion>1.0</ofd:CreatorVersion><ofd:CreationDate>2026-01-01</ofd:CreationDate></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    )
}

/// A minimal OFD package naming [`AUTHOR`] and [`TITLE`] in `OFD.xml`.
pub fn ofd() -> Vec<u8> {
    let ofd = ofd_xml(AUTHOR, TITLE);
    zip_of(&[
        ("OFD.xml", ofd.as_bytes()),
        (
            "Doc_0/Document.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData></ofd:Document>"#,
        ),
    ])
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A 1×1 grey PNG with a `tEXt` Author chunk naming [`AUTHOR`] (Latin-1 cannot hold it, so as
/// UTF-8 bytes, as some tools write) and an `iTXt` title.
pub fn png() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    let mut text = b"Author\0".to_vec();
    text.extend_from_slice(AUTHOR.as_bytes());
    png_chunk(&mut out, b"tEXt", &text);
    let mut itext = b"Title\0\0\0\0\0".to_vec();
    itext.extend_from_slice(TITLE.as_bytes());
    png_chunk(&mut out, b"iTXt", &itext);
    png_chunk(&mut out, b"IDAT", &zlib(&[0, 0x80]));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn jpeg_segment(out: &mut Vec<u8>, marker: u8, data: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(data);
}

/// The scan data of [`jpeg`] (not a decodable image: the structure is what counts).
pub const JPEG_SCAN: &[u8] = b"\x12\x34\x56\xFF\x00\x78\xFF\xD0\x9A";

/// A JPEG-structured file with a JFIF APP0, an EXIF APP1 and an XMP APP1 naming [`AUTHOR`], a
/// comment, a quantisation table, a frame, a scan and its data.
pub fn jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    jpeg_segment(&mut out, 0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let mut exif = b"Exif\0\0MM\0\x2a".to_vec();
    exif.extend_from_slice(AUTHOR.as_bytes());
    jpeg_segment(&mut out, 0xE1, &exif);
    let mut xmp_segment = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp_segment.extend_from_slice(xmp(AUTHOR, TITLE).as_bytes());
    jpeg_segment(&mut out, 0xE1, &xmp_segment);
    jpeg_segment(&mut out, 0xFE, TITLE.as_bytes());
    jpeg_segment(&mut out, 0xDB, &[0; 65]);
    jpeg_segment(&mut out, 0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
    jpeg_segment(&mut out, 0xDA, &[1, 1, 0, 0, 0x3F, 0]);
    out.extend_from_slice(JPEG_SCAN);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// Whether `haystack` holds `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Writes `bytes` to a new file named `name` in `dir`.
pub fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}
