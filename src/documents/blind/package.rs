//! The blind copy of an OOXML (DOCX, XLSX, PPTX) or OFD package (see [`super`]): the parts that
//! name people rewritten, every other entry copied raw.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use super::{invalid, note};
use crate::documents::inspect::Kind;

/// Largest XML part rewritten (core.xml and friends are a few KiB, a long Word document's text
/// a few MiB).
const MAX_XML_PART: u64 = 64 * 1024 * 1024;

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
pub(super) fn blank_attributes(xml: &str, names: &[&str]) -> (String, Vec<String>) {
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

pub(super) fn blind_package(src: &Path, kind: Kind, dst: &Path) -> io::Result<Vec<String>> {
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

/// A plain ZIP's blind copy: every entry copied as stored (no recompression) under a neutral name,
/// `附件1.pdf`, `附件2.docx`…: entry names (`某某大学-专利.pdf`) and folders are what would name the
/// team. The files inside are not blinded themselves (their own metadata stays); the notice to
/// the uploader says that names written in files are not removed.
pub(super) fn blind_zip(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
    let mut archive = zip::ZipArchive::new(BufReader::new(File::open(src)?)).map_err(invalid)?;
    let mut writer = zip::ZipWriter::new(BufWriter::new(File::create(dst)?));
    let mut removed = Vec::new();
    let mut n = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(invalid)?;
        if entry.is_dir() {
            note(&mut removed, "zip:folder names".to_string());
            continue;
        }
        n += 1;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e)
            .filter(|e| {
                !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .map(|e| format!(".{}", e.to_ascii_lowercase()))
            .unwrap_or_default();
        writer
            .raw_copy_file_rename(entry, format!("附件{n}{extension}"))
            .map_err(invalid)?;
        note(&mut removed, "zip:entry names".to_string());
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
pub(super) fn blank_elements(xml: &str, locals: &[&str]) -> (String, Vec<String>) {
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
