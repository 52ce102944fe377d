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
use std::io;
use std::path::Path;

use super::inspect::Kind;

mod images;
mod package;
mod pdf;

/// Writes to `dst` a copy of `src` (of kind `kind`) with the identifying metadata removed, for a
/// blind review. Answers what was removed (for the audit and for tests), e.g.
/// `["pdf:/Author", "pdf:/Title", "pdf:xmp", "docx:dc:creator", …]`. A file that does not parse
/// as its kind is an `InvalidData` error.
pub fn blind_copy(src: &Path, kind: Kind, dst: &Path) -> io::Result<Vec<String>> {
    match kind {
        Kind::Pdf => pdf::blind_pdf(src, dst),
        Kind::Docx | Kind::Xlsx | Kind::Pptx | Kind::Ofd => package::blind_package(src, kind, dst),
        Kind::Png => images::blind_png(src, dst),
        Kind::Jpeg => images::blind_jpeg(src, dst),
        Kind::Zip => package::blind_zip(src, dst),
    }
}

pub(super) fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

pub(super) fn note(removed: &mut Vec<String>, item: String) {
    if !removed.contains(&item) {
        removed.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::package::{blank_attributes, blank_elements};
    use super::*;
    use crate::documents::fixtures::{self, AUTHOR, COMMENTER, TITLE, contains, utf16be, write};
    use crate::documents::inspect::inspect;
    use lopdf::Object;
    use std::io::Read;

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
    fn a_zips_blind_copy_names_its_entries_by_number() {
        use std::fs::File;
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let (src, dst) = (dir.path().join("a.zip"), dir.path().join("b.zip"));
        let mut zip = zip::ZipWriter::new(File::create(&src).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.add_directory("某某大学", options).unwrap();
        zip.start_file("某某大学/某某大学-专利.PDF", options)
            .unwrap();
        zip.write_all(b"%PDF-1.4 patent").unwrap();
        zip.start_file("检测报告", options).unwrap();
        zip.write_all(b"report").unwrap();
        zip.finish().unwrap();
        let removed = blind_copy(&src, Kind::Zip, &dst).unwrap();
        assert!(
            removed.contains(&"zip:entry names".to_string()),
            "{removed:?}"
        );
        let mut copy = zip::ZipArchive::new(File::open(&dst).unwrap()).unwrap();
        let names: Vec<String> = copy.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(names, ["附件1.pdf", "附件2"]);
        let mut content = String::new();
        copy.by_name("附件1.pdf")
            .unwrap()
            .read_to_string(&mut content)
            .unwrap();
        assert_eq!(content, "%PDF-1.4 patent");
        let raw = std::fs::read(&dst).unwrap();
        assert!(
            !raw.windows("某某大学".len())
                .any(|w| w == "某某大学".as_bytes())
        );
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
