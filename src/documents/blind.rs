//! The blind copy of a document: the same document without the metadata that names its authors,
//! for experts of a blind review (SPEC §13). Blocking: callers run it in `spawn_blocking`.
//!
//! What is removed, by kind (each item answered as `<kind>:<what>`, for the audit):
//! - **PDF** (through lopdf, which loads the whole file into memory: this runs in a background
//!   job, one document at a time, on files of at most the upload limit): every key of the Info
//!   dictionary but `CreationDate`, `ModDate` and `Trapped` (`pdf:/Author`, `pdf:/Title`, …,
//!   custom keys included); the XMP `/Metadata` stream of the catalog (`pdf:xmp`), of pages
//!   (`pdf:page-xmp`) and of any other object (`pdf:object-xmp`); `/PieceInfo` (application
//!   private data, `pdf:/PieceInfo`); the author (`/T`) of comment annotations
//!   (`pdf:annotation-author`). Objects nothing refers to any more are dropped, and the file is
//!   written again as one revision, so earlier revisions of the Info dictionary are gone too.
//!   Pages, content streams, fonts and images are written as they were.
//! - **DOCX, XLSX, PPTX**: `docProps/core.xml` with empty creator, lastModifiedBy, title,
//!   subject, keywords, description and category (`docx:dc:creator`, …); `docProps/app.xml` with
//!   empty Company, Manager and the titles of `TitlesOfParts` (`docx:Company`, …);
//!   `docProps/custom.xml`, when present, with its text values blanked (`docx:custom.xml`) — kept
//!   rather than dropped, so that `[Content_Types].xml` and the relationships still point at a
//!   part that exists and Office opens the file without a repair prompt. The authors of comments
//!   and tracked changes: `w:author`, `w:initials` (and Word 2013's `w15:author`, `w15:userId`)
//!   in the `word/*.xml` parts; the `<author>` of `xl/comments*.xml` and the `displayName` and
//!   `userId` of Excel's persons and threaded comments; PowerPoint's comment authors' `name`,
//!   `initials` and `userId` (`docx:comment-authors:word/comments.xml`, …). Every other entry
//!   is copied raw (no recompression).
//! - **OFD**: `OFD.xml` with empty `DocInfo` Title, Author, Subject, Abstract, Creator, Keyword
//!   and CustomData (`ofd:Author`, …); every other entry copied raw.
//! - **PNG**: the text chunks (`tEXt`, `iTXt`, `zTXt`), `eXIf` and bytes after `IEND`
//!   (`png:tEXt`, …). **JPEG**: APP1 (`jpeg:exif`, `jpeg:xmp`), APP13 (`jpeg:iptc`) and comment
//!   segments (`jpeg:comment`), before the image data; the rest is copied as is (an EXIF
//!   orientation goes with EXIF).
//! - **ZIP**: copied as is (nothing answered): an archive of attachments has no author fields;
//!   the names of its entries are what they are.
//!
//! Not covered: names inside the documents' text, form field values of PDFs, the signers of
//! signed PDFs and OFDs, OFD annotations.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use lopdf::{Dictionary, Object};

use super::inspect::Kind;

/// Largest XML part rewritten (core.xml and friends are a few KiB, a long Word document's text
/// a few MiB).
const MAX_XML_PART: u64 = 64 * 1024 * 1024;

/// Writes to `dst` a copy of `src` (of kind `kind`) with the identifying metadata removed, for a
/// blind review. Answers what was removed (for the audit and for tests), e.g.
/// `["pdf:/Author", "pdf:/Title", "pdf:xmp", "docx:dc:creator", …]`. A file that does not parse
/// as its kind is an `InvalidData` error.
pub fn blind_copy(src: &Path, kind: Kind, dst: &Path) -> io::Result<Vec<String>> {
    match kind {
        Kind::Pdf => blind_pdf(src, dst),
        Kind::Docx | Kind::Xlsx | Kind::Pptx | Kind::Ofd => blind_package(src, kind, dst),
        Kind::Png => blind_png(src, dst),
        Kind::Jpeg => blind_jpeg(src, dst),
        Kind::Zip => {
            std::fs::copy(src, dst)?;
            Ok(Vec::new())
        }
    }
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

fn note(removed: &mut Vec<String>, item: String) {
    if !removed.contains(&item) {
        removed.push(item);
    }
}

// --- PDF ----------------------------------------------------------------------------------------

/// Info keys that say when, not who.
const INFO_KEPT: &[&[u8]] = &[b"CreationDate", b"ModDate", b"Trapped"];

/// Annotation subtypes whose `/T` is the name of whoever wrote them (for widgets `/T` is the
/// form field's name, kept).
const MARKUP_ANNOTATIONS: &[&[u8]] = &[
    b"Text",
    b"FreeText",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Stamp",
    b"Caret",
    b"Ink",
    b"FileAttachment",
    b"Sound",
    b"Redact",
    b"Popup",
];

fn blind_pdf(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
    let mut doc = lopdf::Document::load(src).map_err(invalid)?;
    let mut removed = Vec::new();

    match doc.trailer.get(b"Info").ok().cloned() {
        Some(Object::Reference(id)) => {
            if let Ok(info) = doc.get_dictionary_mut(id) {
                strip_info(info, &mut removed);
            }
        }
        Some(Object::Dictionary(_)) => {
            if let Ok(Object::Dictionary(info)) = doc.trailer.get_mut(b"Info") {
                strip_info(info, &mut removed);
            }
        }
        _ => {}
    }
    for object in doc.objects.values_mut() {
        scrub(object, &mut removed);
    }
    doc.prune_objects();
    doc.save(dst).map_err(invalid)?;
    Ok(removed)
}

fn strip_info(info: &mut Dictionary, removed: &mut Vec<String>) {
    let keys: Vec<Vec<u8>> = info
        .iter()
        .map(|(key, _)| key.clone())
        .filter(|key| !INFO_KEPT.contains(&key.as_slice()))
        .collect();
    for key in keys {
        info.remove(&key);
        note(removed, format!("pdf:/{}", String::from_utf8_lossy(&key)));
    }
}

/// Removes XMP, PieceInfo and annotation authors from `object` and the direct objects in it.
fn scrub(object: &mut Object, removed: &mut Vec<String>) {
    match object {
        Object::Dictionary(dict) => scrub_dictionary(dict, removed),
        Object::Stream(stream) => scrub_dictionary(&mut stream.dict, removed),
        Object::Array(items) => {
            for item in items {
                scrub(item, removed);
            }
        }
        _ => {}
    }
}

fn scrub_dictionary(dict: &mut Dictionary, removed: &mut Vec<String>) {
    if dict.remove(b"Metadata").is_some() {
        let item = if dict.has_type(b"Catalog") {
            "pdf:xmp"
        } else if dict.has_type(b"Page") {
            "pdf:page-xmp"
        } else {
            "pdf:object-xmp"
        };
        note(removed, item.to_owned());
    }
    if dict.remove(b"PieceInfo").is_some() {
        note(removed, "pdf:/PieceInfo".to_owned());
    }
    let markup = matches!(
        dict.get(b"Subtype"),
        Ok(Object::Name(subtype)) if MARKUP_ANNOTATIONS.contains(&subtype.as_slice())
    );
    if markup && dict.remove(b"T").is_some() {
        note(removed, "pdf:annotation-author".to_owned());
    }
    for (_, value) in dict.iter_mut() {
        scrub(value, removed);
    }
}

// --- OOXML and OFD packages -------------------------------------------------------------------

/// How an entry of a package is rewritten, if it is.
fn rewrite_entry(kind: Kind, name: &str, xml: &str) -> Option<(String, Vec<String>)> {
    let prefix = kind.as_str();
    let qualified = |blanked: Vec<String>| -> Vec<String> {
        blanked
            .into_iter()
            .map(|name| format!("{prefix}:{name}"))
            .collect()
    };
    match (kind, name) {
        (Kind::Ofd, "OFD.xml") => {
            let Some(range) = element_content(xml, "DocInfo") else {
                return Some((xml.to_owned(), Vec::new()));
            };
            let (info, blanked) = blank_elements(
                &xml[range.clone()],
                &[
                    "Title",
                    "Author",
                    "Subject",
                    "Abstract",
                    "Creator",
                    "Keyword",
                    "CustomData",
                ],
            );
            let text = format!("{}{}{}", &xml[..range.start], info, &xml[range.end..]);
            let local = blanked
                .into_iter()
                .map(|name| match name.split_once(':') {
                    Some((_, local)) => local.to_owned(),
                    None => name,
                })
                .collect();
            Some((text, qualified(local)))
        }
        (Kind::Ofd, _) => None,
        (_, "docProps/core.xml") => {
            let (text, blanked) = blank_elements(
                xml,
                &[
                    "creator",
                    "lastModifiedBy",
                    "title",
                    "subject",
                    "keywords",
                    "description",
                    "category",
                ],
            );
            Some((text, qualified(blanked)))
        }
        (_, "docProps/app.xml") => {
            let (mut text, mut blanked) = blank_elements(xml, &["Company", "Manager"]);
            if let Some(range) = element_content(&text, "TitlesOfParts") {
                let (titles, found) = blank_elements(&text[range.clone()], &["lpstr", "lpwstr"]);
                if !found.is_empty() {
                    blanked.push("TitlesOfParts".to_owned());
                }
                text = format!("{}{}{}", &text[..range.start], titles, &text[range.end..]);
            }
            Some((text, qualified(blanked)))
        }
        (_, "docProps/custom.xml") => {
            let (text, blanked) = blank_elements(xml, &["lpwstr", "lpstr", "bstr"]);
            let items = if blanked.is_empty() {
                Vec::new()
            } else {
                vec!["custom.xml".to_owned()]
            };
            Some((text, qualified(items)))
        }
        _ => {
            let attributes = reviewer_attributes(kind, name)?;
            let (mut text, mut blanked) = blank_attributes(xml, attributes);
            if kind == Kind::Xlsx && name.starts_with("xl/comments") {
                let (authors, found) = blank_elements(&text, &["author"]);
                text = authors;
                blanked.extend(found);
            }
            let items = if blanked.is_empty() {
                Vec::new()
            } else {
                vec![format!("comment-authors:{name}")]
            };
            Some((text, qualified(items)))
        }
    }
}

/// The attributes naming the authors of comments and tracked changes in an Office part, if the
/// part may hold them.
fn reviewer_attributes(kind: Kind, name: &str) -> Option<&'static [&'static str]> {
    match kind {
        Kind::Docx if name.starts_with("word/") && name.ends_with(".xml") => {
            Some(&["w:author", "w:initials", "w15:author", "w15:userId"])
        }
        Kind::Xlsx
            if name.starts_with("xl/comments")
                || name.starts_with("xl/persons/")
                || name.starts_with("xl/threadedComments/") =>
        {
            Some(&["displayName", "userId"])
        }
        Kind::Pptx if name == "ppt/commentAuthors.xml" || name == "ppt/authors.xml" => {
            Some(&["name", "initials", "userId"])
        }
        _ => None,
    }
}

/// Empties the values of the attributes `names` (qualified as written) in every start tag of
/// `xml`; answers the new text and the attributes that had a value.
fn blank_attributes(xml: &str, names: &[&str]) -> (String, Vec<String>) {
    let mut out = String::with_capacity(xml.len());
    let mut blanked: Vec<String> = Vec::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(tag) = next_start_tag(xml, from) {
        from = tag.end;
        let bytes = xml.as_bytes();
        // The attributes: `name = "value"` pairs after the tag's name.
        let mut i = tag.name_end;
        while i < tag.end {
            let rest = &xml[i..tag.end];
            let Some(eq) = rest.find('=') else { break };
            let attribute = rest[..eq].trim();
            let Some(open) = rest[eq + 1..].find(['"', '\'']).map(|q| i + eq + 1 + q) else {
                break;
            };
            let quote = bytes[open];
            let Some(close) = xml[open + 1..tag.end]
                .find(quote as char)
                .map(|q| open + 1 + q)
            else {
                break;
            };
            if names.contains(&attribute) && close > open + 1 {
                out.push_str(&xml[copied..=open]);
                copied = close;
                if !blanked.iter().any(|b| b == attribute) {
                    blanked.push(attribute.to_owned());
                }
            }
            i = close + 1;
        }
    }
    out.push_str(&xml[copied..]);
    (out, blanked)
}

fn is_rewritten(kind: Kind, name: &str) -> bool {
    match kind {
        Kind::Ofd => name == "OFD.xml",
        _ => {
            matches!(
                name,
                "docProps/core.xml" | "docProps/app.xml" | "docProps/custom.xml"
            ) || reviewer_attributes(kind, name).is_some()
        }
    }
}

fn blind_package(src: &Path, kind: Kind, dst: &Path) -> io::Result<Vec<String>> {
    let mut archive = zip::ZipArchive::new(BufReader::new(File::open(src)?)).map_err(invalid)?;
    let mut writer = zip::ZipWriter::new(BufWriter::new(File::create(dst)?));
    let mut removed = Vec::new();
    for index in 0..archive.len() {
        let name = {
            let entry = archive.by_index_data(index).map_err(invalid)?;
            String::from_utf8_lossy(entry.name_raw()).into_owned()
        };
        if !is_rewritten(kind, &name) {
            let entry = archive.by_index_raw(index).map_err(invalid)?;
            writer.raw_copy_file(entry).map_err(invalid)?;
            continue;
        }
        let mut entry = archive.by_index(index).map_err(invalid)?;
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_XML_PART + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_XML_PART {
            return Err(invalid(format!(
                "{name} is larger than {MAX_XML_PART} bytes"
            )));
        }
        let mut options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        if let Some(modified) = entry.last_modified() {
            options = options.last_modified_time(modified);
        }
        drop(entry);
        let xml = String::from_utf8(bytes).map_err(|_| invalid(format!("{name} is not UTF-8")))?;
        let (text, blanked) = rewrite_entry(kind, &name, &xml).unwrap_or((xml, Vec::new()));
        for item in blanked {
            note(&mut removed, item);
        }
        writer.start_file(name, options).map_err(invalid)?;
        writer.write_all(text.as_bytes())?;
    }
    writer.finish().map_err(invalid)?.flush()?;
    Ok(removed)
}

/// A start tag found in XML text.
struct StartTag<'a> {
    qualified: &'a str,
    /// Just after its name.
    name_end: usize,
    /// Just after its `>`.
    end: usize,
    self_closing: bool,
}

/// The next element start tag at or after `from`.
fn next_start_tag(xml: &str, mut from: usize) -> Option<StartTag<'_>> {
    let bytes = xml.as_bytes();
    loop {
        let at = from + xml.get(from..)?.find('<')?;
        let name_start = at + 1;
        match bytes.get(name_start) {
            Some(b'/' | b'?' | b'!') | None => {
                from = name_start;
                continue;
            }
            _ => {}
        }
        let name_len = xml[name_start..]
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(xml.len() - name_start);
        let qualified = &xml[name_start..name_start + name_len];
        // The end of the tag, quotes honoured.
        let mut quote = None;
        let mut i = name_start + name_len;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (None, b'"' | b'\'') => quote = Some(bytes[i]),
                (Some(q), b) if b == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        return Some(StartTag {
            qualified,
            name_end: name_start + name_len,
            end: i + 1,
            self_closing: bytes[i - 1] == b'/',
        });
    }
}

fn local_name(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

/// Where the closing tag `</qualified>` starts, at or after `from`.
fn closing_tag(xml: &str, qualified: &str, from: usize) -> Option<usize> {
    let needle = format!("</{qualified}");
    let mut search = from;
    loop {
        let at = search + xml.get(search..)?.find(&needle)?;
        let after = xml[at + needle.len()..].trim_start();
        if after.starts_with('>') {
            return Some(at);
        }
        search = at + needle.len();
    }
}

/// The content of the first element whose local name is `local`.
fn element_content(xml: &str, local: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(tag) = next_start_tag(xml, from) {
        if local_name(tag.qualified) == local && !tag.self_closing {
            let close = closing_tag(xml, tag.qualified, tag.end)?;
            return Some(tag.end..close);
        }
        from = tag.end;
    }
    None
}

/// Empties every element of `xml` whose local name is one of `locals`; answers the new text and
/// the qualified names of the elements that had content.
fn blank_elements(xml: &str, locals: &[&str]) -> (String, Vec<String>) {
    let mut out = String::with_capacity(xml.len());
    let mut blanked = Vec::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(tag) = next_start_tag(xml, from) {
        from = tag.end;
        if tag.self_closing || !locals.contains(&local_name(tag.qualified)) {
            continue;
        }
        let Some(close) = closing_tag(xml, tag.qualified, tag.end) else {
            continue;
        };
        if !xml[tag.end..close].trim().is_empty() {
            let qualified = tag.qualified.to_owned();
            if !blanked.contains(&qualified) {
                blanked.push(qualified);
            }
            out.push_str(&xml[copied..tag.end]);
            copied = close;
        }
        from = close;
    }
    out.push_str(&xml[copied..]);
    (out, blanked)
}

// --- images -----------------------------------------------------------------------------------

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const PNG_DROPPED: &[&[u8; 4]] = &[b"tEXt", b"iTXt", b"zTXt", b"eXIf"];

fn blind_png(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
    let mut input = BufReader::new(File::open(src)?);
    let mut output = BufWriter::new(File::create(dst)?);
    let mut removed = Vec::new();
    let mut signature = [0u8; 8];
    input.read_exact(&mut signature)?;
    if signature != PNG_SIGNATURE {
        return Err(invalid("not a PNG"));
    }
    output.write_all(&signature)?;
    loop {
        let mut header = [0u8; 8];
        input.read_exact(&mut header)?;
        let length = u64::from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]));
        let kind = [header[4], header[5], header[6], header[7]];
        // The data and the CRC.
        let mut body = (&mut input).take(length + 4);
        if PNG_DROPPED.contains(&&kind) {
            io::copy(&mut body, &mut io::sink())?;
            note(
                &mut removed,
                format!("png:{}", String::from_utf8_lossy(&kind)),
            );
        } else {
            output.write_all(&header)?;
            let copied = io::copy(&mut body, &mut output)?;
            if copied != length + 4 {
                return Err(invalid("a PNG chunk is cut short"));
            }
        }
        if &kind == b"IEND" {
            break;
        }
    }
    if input.read(&mut [0u8; 1])? > 0 {
        note(&mut removed, "png:trailing-data".to_owned());
    }
    output.flush()?;
    Ok(removed)
}

fn blind_jpeg(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
    let mut input = BufReader::new(File::open(src)?);
    let mut output = BufWriter::new(File::create(dst)?);
    let mut removed = Vec::new();
    let mut start = [0u8; 2];
    input.read_exact(&mut start)?;
    if start != [0xFF, 0xD8] {
        return Err(invalid("not a JPEG"));
    }
    output.write_all(&start)?;
    loop {
        let mut byte = [0u8; 1];
        input.read_exact(&mut byte)?;
        if byte[0] != 0xFF {
            return Err(invalid("a JPEG marker was expected"));
        }
        let mut marker = 0xFF;
        while marker == 0xFF {
            input.read_exact(&mut byte)?;
            marker = byte[0];
        }
        match marker {
            // End of image, or markers without a length.
            0xD9 => {
                output.write_all(&[0xFF, marker])?;
                break;
            }
            0x01 | 0xD0..=0xD7 => {
                output.write_all(&[0xFF, marker])?;
                continue;
            }
            _ => {}
        }
        let mut length = [0u8; 2];
        input.read_exact(&mut length)?;
        let data_len = usize::from(u16::from_be_bytes(length)).saturating_sub(2);
        let mut data = vec![0u8; data_len];
        input.read_exact(&mut data)?;
        let dropped = match marker {
            0xE1 if data.starts_with(b"Exif\0") => Some("jpeg:exif"),
            0xE1 if data.starts_with(b"http://ns.adobe.com/") => Some("jpeg:xmp"),
            0xE1 => Some("jpeg:app1"),
            0xED => Some("jpeg:iptc"),
            0xFE => Some("jpeg:comment"),
            _ => None,
        };
        if let Some(item) = dropped {
            note(&mut removed, item.to_owned());
            continue;
        }
        output.write_all(&[0xFF, marker])?;
        output.write_all(&length)?;
        output.write_all(&data)?;
        if marker == 0xDA {
            // Start of scan: the image data and whatever follows are copied as they are.
            io::copy(&mut input, &mut output)?;
            break;
        }
    }
    output.flush()?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::fixtures::{self, AUTHOR, COMMENTER, TITLE, contains, utf16be, write};
    use crate::documents::inspect::inspect;

    /// The names the fixtures hide, in the encodings they may be stored in.
    fn secrets() -> Vec<Vec<u8>> {
        let mut found = Vec::new();
        for text in [AUTHOR, TITLE, COMMENTER, "某某大学"] {
            found.push(text.as_bytes().to_vec());
            found.push(utf16be(text));
            found.push(fixtures::hex(&utf16be(text)));
            found.push(fixtures::hex(&utf16be(text)).to_ascii_lowercase());
        }
        found
    }

    fn assert_no_secret(bytes: &[u8], what: &str) {
        for secret in secrets() {
            assert!(!contains(bytes, &secret), "{what} still holds {secret:?}");
        }
    }

    fn copy(bytes: &[u8], kind: Kind) -> (tempfile::TempDir, Vec<u8>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let src = write(&dir, &format!("src.{}", kind.extension()), bytes);
        let dst = dir.path().join(format!("blind.{}", kind.extension()));
        let removed = blind_copy(&src, kind, &dst).unwrap();
        let out = std::fs::read(&dst).unwrap();
        assert_eq!(
            inspect(&dst).unwrap(),
            Ok(kind),
            "the copy is still a {kind}"
        );
        (dir, out, removed)
    }

    #[test]
    fn a_blind_pdf_has_no_names_and_the_same_pages() {
        let original = fixtures::pdf_with_metadata(3);
        // The fixture does hold the names, raw or compressed.
        assert!(contains(&original, &utf16be(AUTHOR)));
        assert!(contains(&original, &fixtures::hex(&utf16be(TITLE))));
        let (dir, out, removed) = copy(&original, Kind::Pdf);
        for item in [
            "pdf:/Author",
            "pdf:/Title",
            "pdf:/Subject",
            "pdf:/Keywords",
            "pdf:/Creator",
            "pdf:/Producer",
            "pdf:/Team",
            "pdf:xmp",
            "pdf:page-xmp",
            "pdf:annotation-author",
        ] {
            assert!(removed.contains(&item.to_owned()), "{item} in {removed:?}");
        }
        assert!(!removed.contains(&"pdf:/CreationDate".to_owned()));

        assert_no_secret(&out, "the raw copy");
        let copy = lopdf::Document::load_mem(&out).unwrap();
        let before = lopdf::Document::load_mem(&original).unwrap();
        for object in copy.objects.values() {
            if let Object::Stream(stream) = object {
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                assert_no_secret(&content, "a stream of the copy");
            }
        }
        assert_eq!(copy.get_pages().len(), 3);
        for ((_, page), (_, old_page)) in copy.get_pages().iter().zip(before.get_pages().iter()) {
            assert_eq!(
                copy.get_page_content(*page),
                before.get_page_content(*old_page)
            );
        }
        let info = copy
            .trailer
            .get(b"Info")
            .and_then(|info| copy.dereference(info))
            .map(|(_, info)| info.clone())
            .unwrap();
        let info = info.as_dict().unwrap();
        assert!(info.has(b"CreationDate") && !info.has(b"Author"));

        // When poppler is installed, the text still renders.
        let pdf_path = dir.path().join("blind.pdf");
        if let Ok(output) = std::process::Command::new("pdftotext")
            .arg(&pdf_path)
            .arg("-")
            .output()
        {
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(text.contains(fixtures::PAGE_TEXT), "{text}");
            assert_eq!(text.matches(fixtures::PAGE_TEXT).count(), 3);
        }
    }

    trait ConcatData {
        fn concat_data(&self) -> Vec<u8>;
    }

    impl ConcatData for Vec<(String, Vec<u8>)> {
        fn concat_data(&self) -> Vec<u8> {
            self.iter().flat_map(|(_, data)| data.clone()).collect()
        }
    }

    /// Every entry of a ZIP, decompressed, by name.
    fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                entry.read_to_end(&mut data).unwrap();
                (entry.name().unwrap().into_owned(), data)
            })
            .collect()
    }

    #[test]
    fn blind_office_files_have_empty_properties_and_the_same_parts() {
        let xl_comments = format!(
            r#"<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>{COMMENTER}</author></authors><commentList/></comments>"#
        );
        let ppt_authors = format!(
            r#"<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cmAuthor id="0" name="{COMMENTER}" initials="LS" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>"#
        );
        for (folder, kind, extra, reviewed) in [
            ("word", Kind::Docx, None, "word/document.xml"),
            (
                "xl",
                Kind::Xlsx,
                Some(("xl/comments1.xml", &xl_comments)),
                "xl/comments1.xml",
            ),
            (
                "ppt",
                Kind::Pptx,
                Some(("ppt/commentAuthors.xml", &ppt_authors)),
                "ppt/commentAuthors.xml",
            ),
        ] {
            let extra: Vec<(&str, &[u8])> = extra
                .map(|(name, xml)| (name, xml.as_bytes()))
                .into_iter()
                .collect();
            let original = fixtures::ooxml(folder, &extra);
            assert!(contains(
                &entries(&original).concat_data(),
                COMMENTER.as_bytes()
            ));
            let (_dir, out, removed) = copy(&original, kind);
            let prefix = kind.as_str();
            for item in [
                "dc:creator",
                "cp:lastModifiedBy",
                "dc:title",
                "dc:subject",
                "cp:keywords",
                "dc:description",
                "Company",
                "Manager",
                "TitlesOfParts",
                "custom.xml",
                &format!("comment-authors:{reviewed}"),
            ] {
                let item = format!("{prefix}:{item}");
                assert!(removed.contains(&item), "{item} in {removed:?}");
            }
            let before = entries(&original);
            let after = entries(&out);
            assert_eq!(
                before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                after.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                "the same parts in the same order"
            );
            for ((name, old), (_, new)) in before.iter().zip(&after) {
                assert_no_secret(new, name);
                if !name.starts_with("docProps/") && name != reviewed {
                    assert_eq!(old, new, "{name} unchanged");
                }
            }
            let core = String::from_utf8(after[3].1.clone()).unwrap();
            assert!(core.contains("<dc:creator></dc:creator>"), "{core}");
            assert!(core.contains("<cp:revision>3</cp:revision>"), "{core}");
            assert!(core.contains("2026-01-01T12:00:00Z"), "{core}");
            let custom = String::from_utf8(after[5].1.clone()).unwrap();
            assert!(
                custom.contains(r#"name="Team"><vt:lpwstr></vt:lpwstr>"#),
                "{custom}"
            );
            assert!(custom.contains("<vt:i4>2</vt:i4>"), "{custom}");
            if kind == Kind::Docx {
                let document = String::from_utf8(after[2].1.clone()).unwrap();
                assert!(
                    document
                        .contains(r#"<w:ins w:id="1" w:author="" w:date="2026-01-02T00:00:00Z">"#),
                    "{document}"
                );
                assert!(document.contains("申报书正文") && document.contains("修订"));
            }
        }
    }

    #[test]
    fn a_blind_ofd_has_an_empty_doc_info() {
        let (_dir, out, removed) = copy(&fixtures::ofd(), Kind::Ofd);
        assert_eq!(
            removed,
            ["ofd:Title", "ofd:Author", "ofd:Subject", "ofd:Creator"]
        );
        let after = entries(&out);
        let ofd = String::from_utf8(after[0].1.clone()).unwrap();
        assert!(ofd.contains("<ofd:Author></ofd:Author>"), "{ofd}");
        assert!(
            ofd.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"),
            "{ofd}"
        );
        assert!(
            ofd.contains("<ofd:CreatorVersion>1.0</ofd:CreatorVersion>"),
            "{ofd}"
        );
        assert_no_secret(&out, "the raw copy");
        for (name, data) in &after {
            assert_no_secret(data, name);
        }
    }

    #[test]
    fn blind_images_lose_their_text_and_keep_their_pixels() {
        let original = fixtures::png();
        let (_dir, out, removed) = copy(&original, Kind::Png);
        assert_eq!(removed, ["png:tEXt", "png:iTXt"]);
        assert_no_secret(&out, "the PNG");
        assert!(
            contains(&out, b"IHDR") && contains(&out, b"IDAT") && out.ends_with(b"IEND\xaeB`\x82")
        );
        assert_eq!(
            out.len(),
            original.len() - (12 + 7 + AUTHOR.len()) - (12 + 10 + TITLE.len())
        );

        let original = fixtures::jpeg();
        let (_dir, out, removed) = copy(&original, Kind::Jpeg);
        assert_eq!(removed, ["jpeg:exif", "jpeg:xmp", "jpeg:comment"]);
        assert_no_secret(&out, "the JPEG");
        assert!(contains(&out, b"JFIF"));
        let mut tail = fixtures::JPEG_SCAN.to_vec();
        tail.extend_from_slice(&[0xFF, 0xD9]);
        assert!(out.ends_with(&tail));
    }

    #[test]
    fn a_zip_is_copied_as_is() {
        let original = fixtures::zip_of(&[("专利证书.pdf", b"%PDF-1.4 ..."), ("a.txt", b"x")]);
        let (_dir, out, removed) = copy(&original, Kind::Zip);
        assert!(removed.is_empty());
        assert_eq!(out, original);
    }

    #[test]
    fn a_file_that_is_not_its_kind_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let src = write(&dir, "x", b"not a pdf at all");
        let dst = dir.path().join("y");
        for kind in [Kind::Pdf, Kind::Docx, Kind::Png, Kind::Jpeg] {
            let error = blind_copy(&src, kind, &dst).unwrap_err();
            assert!(
                matches!(
                    error.kind(),
                    io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
                ),
                "{kind}: {error:?}"
            );
        }
    }

    #[test]
    fn attributes_are_blanked_by_qualified_name() {
        let xml = r#"<a w:author="x=y" b='1'><w:ins w:author='张三' w:id="2"/><c d="w:author=&quot;k&quot;"/></a>"#;
        let (text, blanked) = blank_attributes(xml, &["w:author"]);
        assert_eq!(
            text,
            r#"<a w:author="" b='1'><w:ins w:author='' w:id="2"/><c d="w:author=&quot;k&quot;"/></a>"#
        );
        assert_eq!(blanked, ["w:author"]);
    }

    #[test]
    fn xml_elements_are_blanked_by_local_name_only() {
        let xml = r#"<a><x:title attr=">">T</x:title><subtitle>S</subtitle><title/><y:title></y:title><title>
        </title></a>"#;
        let (text, blanked) = blank_elements(xml, &["title"]);
        assert_eq!(
            text,
            r#"<a><x:title attr=">"></x:title><subtitle>S</subtitle><title/><y:title></y:title><title>
        </title></a>"#
        );
        assert_eq!(blanked, ["x:title"]);
    }
}

/// Files found on the machine, named in `JIEBANG_DOCUMENT_SAMPLES` (colon-separated): each is
/// inspected and, when kept, blind-copied, and the copy inspected again. Run by hand:
/// `JIEBANG_DOCUMENT_SAMPLES=a.pdf:b.docx cargo test --lib documents::blind::samples -- --ignored --nocapture`.
#[cfg(test)]
mod samples {
    use super::*;
    use crate::documents::inspect::inspect;

    #[test]
    #[ignore = "reads files named in JIEBANG_DOCUMENT_SAMPLES"]
    fn samples() {
        let Ok(list) = std::env::var("JIEBANG_DOCUMENT_SAMPLES") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        for path in list.split(':').filter(|p| !p.is_empty()) {
            let path = Path::new(path);
            let started = std::time::Instant::now();
            let verdict = inspect(path).unwrap();
            println!(
                "{} → {verdict:?} in {:?}",
                path.display(),
                started.elapsed()
            );
            if let Ok(kind) = verdict {
                let dst = dir.path().join(format!("blind.{}", kind.extension()));
                let removed = blind_copy(path, kind, &dst).unwrap();
                println!("  blind: {removed:?}; copy → {:?}", inspect(&dst).unwrap());
                if kind == Kind::Pdf {
                    let before = lopdf::Document::load(path).unwrap().get_pages().len();
                    let after = lopdf::Document::load(&dst).unwrap().get_pages().len();
                    println!("  pages {before} → {after}");
                    assert_eq!(before, after);
                }
            }
        }
    }
}
