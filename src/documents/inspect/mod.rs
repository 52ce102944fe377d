//! What an uploaded file is, decided by its content (never by its name), and whether its content
//! may be kept: [`inspect`] answers a [`Kind`] of the allow-list or a [`Refusal`] saying why not.
//! Blocking and pure (it reads the file, writes nothing but, for a nested archive, a temporary
//! file): callers run it in `spawn_blocking`.
//!
//! **Type.** The first [`HEAD_LEN`] bytes decide: `%PDF-` at offset 0 is a PDF; a ZIP local
//! header (`PK\x03\x04`, or `PK\x05\x06` for an empty archive) is a container looked into
//! through its central directory: `OFD.xml` at the root is an OFD (GB/T 33190),
//! `[Content_Types].xml` with a `word/`, `xl/` or `ppt/` part is a DOCX, XLSX or PPTX, anything
//! else a ZIP. Otherwise the `infer` crate names the type: PNG and JPEG are kept, every other type
//! it knows (executables, the old OLE `.doc`/`.xls`, …) is refused with its mime; bytes it does
//! not know are `text/plain` when the head is UTF-8 text, `application/octet-stream` otherwise.
//!
//! **Archives** (ZIP, and the OOXML and OFD containers alike). The end-of-central-directory
//! record is read first, and an archive declaring more than [`MAX_ENTRIES`] entries or a central
//! directory over [`MAX_CENTRAL_DIRECTORY`] bytes is refused before the `zip` crate parses it;
//! so is one whose entries declare more than [`MAX_DECLARED_SIZE`] bytes uncompressed, or whose
//! local headers disagree with the central directory (overlapping entries, names that differ,
//! duplicate names). Each entry is then refused when its name has an executable extension
//! ([`EXECUTABLE_EXTENSIONS`]) or its first [`ENTRY_HEAD_LEN`] bytes are an executable (ELF,
//! MZ/PE, Mach-O, Java class, Android dex, a `#!` script, a Windows shortcut): only those bytes
//! are decompressed, so a zip bomb costs nothing. An entry that cannot be read (encrypted, or a
//! compression method other than stored/deflate) is refused as malformed, since it cannot be
//! checked. An entry that is itself a ZIP (by content) is copied, at most [`MAX_NESTED_SIZE`]
//! bytes in all for the whole upload, to a temporary file and checked the same way, one level
//! deep: archives inside it are checked by name and first bytes only, not opened.
//!
//! **PDF.** The header must be at offset 0 and `%%EOF` within the last 1024 bytes. The file is
//! then read once, in [`CHUNK_LEN`] chunks, by a small tokenizer that carries its state from one
//! chunk to the next (so a token split across two chunks is seen whole, which is what an overlap
//! between chunks would give, without reading anything twice). Outside stream data it decodes
//! every name token (`#xx` escapes included) and refuses the file at `/JavaScript` or `/JS`; a
//! longer name such as `/JSomething` is not a hit. It notes the names of each object's
//! dictionary, and at `stream` decides what to do with the stream's data, which ends at the next
//! `endstream` (never at the declared `/Length`, which could lie and hide what follows):
//! - an object stream (`/Type /ObjStm`, or any stream with `/First`, which is what readers use)
//!   filtered by `FlateDecode` alone is inflated (flate2, streaming) and its objects scanned the
//!   same way, up to [`MAX_OBJECT_STREAM`] inflated bytes each; one that is larger, that does not
//!   inflate (an encrypted PDF) or that has another filter is refused as malformed, since the
//!   dictionaries it holds could not be checked;
//! - any other `FlateDecode` stream that is not an image is inflated and scanned too (content
//!   streams, XFA, embedded files), while the budget of [`MAX_INFLATED`] inflated bytes per file
//!   lasts; past it, and when it does not inflate, it is skipped;
//! - an unfiltered stream that is not an image or a cross-reference stream is scanned as is;
//! - images and streams with other filters (DCT, JPX, CCITT, …) are skipped.
//!
//! Memory: bounded buffers only, whatever the file: the head (8 KiB), one read chunk (64 KiB),
//! one inflate output buffer (64 KiB) and the inflater's window (about 40 KiB); for archives the
//! `zip` crate's parsed central directory (at most [`MAX_CENTRAL_DIRECTORY`] bytes' worth) and a
//! 16-byte head per entry. Under half a MiB for a PDF, a few MiB for an archive.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

mod archive;
mod pdf;

/// A type of the allow-list, decided by content.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Zip,
    Png,
    Jpeg,
    Ofd,
}

impl Kind {
    /// The name stored in the database and sent in JSON: `pdf`, `docx`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Pptx => "pptx",
            Kind::Zip => "zip",
            Kind::Png => "png",
            Kind::Jpeg => "jpeg",
            Kind::Ofd => "ofd",
        }
    }

    /// The inverse of [`Kind::as_str`].
    pub fn parse(s: &str) -> Option<Kind> {
        use strum::IntoEnumIterator;
        Kind::iter().find(|kind| kind.as_str() == s)
    }

    /// The `Content-Type` a download is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Zip => "application/zip",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Ofd => "application/ofd",
        }
    }

    /// The usual file-name extension, without the dot (`jpg` for JPEG).
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            other => other.as_str(),
        }
    }

    /// Whether a browser is asked to show it (`Content-Disposition: inline`): PDFs and images;
    /// the others are attachments.
    pub fn inline(self) -> bool {
        matches!(self, Kind::Pdf | Kind::Png | Kind::Jpeg)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No bytes at all.
    Empty,
    /// A type outside the allow-list: the detected mime (`application/x-executable`,
    /// `application/msword`, `text/plain`, `application/octet-stream`, …).
    UnsupportedType { detected: String },
    /// An archive holding an executable: the entry's path inside it (`outer.zip/inner/setup.exe`
    /// for an archive inside the archive).
    ExecutableInZip { entry: String },
    /// A PDF with JavaScript.
    PdfJavaScript,
    /// Not well-formed, or not checkable: what is wrong, in English (for logs and the problem's
    /// detail).
    Malformed { detail: String },
}

/// In English, for logs (what a user reads comes from the locale files).
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Empty => f.write_str("the file is empty"),
            Refusal::UnsupportedType { detected } => write!(f, "unsupported type {detected}"),
            Refusal::ExecutableInZip { entry } => write!(f, "executable in archive: {entry}"),
            Refusal::PdfJavaScript => f.write_str("PDF with JavaScript"),
            Refusal::Malformed { detail } => write!(f, "malformed: {detail}"),
        }
    }
}

/// How many bytes of the file decide its type.
pub const HEAD_LEN: usize = 8 * 1024;
/// How many bytes of each archive entry are decompressed to recognise an executable.
pub const ENTRY_HEAD_LEN: usize = 16;
/// Most entries an archive may declare (a DOCX has a few dozen).
pub const MAX_ENTRIES: u64 = 10_000;
/// Largest central directory read, in bytes.
pub const MAX_CENTRAL_DIRECTORY: u64 = 4 * 1024 * 1024;
/// Most bytes an archive's entries may declare uncompressed, in all (1 GiB).
pub const MAX_DECLARED_SIZE: u64 = 1024 * 1024 * 1024;
/// Most bytes of archives inside an archive that are unpacked to be looked into, in all.
pub const MAX_NESTED_SIZE: u64 = 64 * 1024 * 1024;
/// The read chunk of the PDF scan.
pub const CHUNK_LEN: usize = 64 * 1024;
/// Largest object stream of a PDF, inflated.
pub const MAX_OBJECT_STREAM: u64 = 32 * 1024 * 1024;
/// Inflated bytes of a PDF's other Flate streams scanned, in all.
pub const MAX_INFLATED: u64 = 256 * 1024 * 1024;

/// Entry-name extensions refused inside an archive (compared without case, trailing dots and
/// spaces ignored as Windows does).
pub const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe",
    "dll",
    "sys",
    "drv",
    "ocx",
    "cpl",
    "scr",
    "pif",
    "com",
    "bat",
    "cmd",
    "msi",
    "msp",
    "msix",
    "appx",
    "ps1",
    "psm1",
    "psd1",
    "vbs",
    "vbe",
    "js",
    "jse",
    "wsf",
    "wsh",
    "ws",
    "hta",
    "jar",
    "class",
    "sh",
    "bash",
    "csh",
    "ksh",
    "zsh",
    "command",
    "apk",
    "ipa",
    "dex",
    "lnk",
    "reg",
    "inf",
    "scf",
    "url",
    "app",
    "dmg",
    "pkg",
    "deb",
    "rpm",
    "run",
    "elf",
    "so",
    "dylib",
    "gadget",
    "application",
    "xbap",
    "chm",
];

/// Decides the type by content (never by the file name), then the content checks. An I/O error
/// reading the file is the outer `Err`; what the file is or why it is refused is the inner
/// result.
pub fn inspect(path: &Path) -> io::Result<Result<Kind, Refusal>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(Err(Refusal::Empty));
    }
    let head = read_head(&mut file, HEAD_LEN)?;
    if head.starts_with(b"%PDF-") {
        return Ok(pdf::check_pdf(&mut file, len)?.map(|()| Kind::Pdf));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let mut budget = MAX_NESTED_SIZE;
        return archive::check_archive(file, len, "", 0, &mut budget);
    }
    if memfind(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Ok(Err(malformed(
            "the %PDF header is not at the start of the file",
        )));
    }
    if let Some(found) = infer::get(&head) {
        return Ok(match found.mime_type() {
            "image/png" => Ok(Kind::Png),
            "image/jpeg" => Ok(Kind::Jpeg),
            other => Err(Refusal::UnsupportedType {
                detected: other.to_owned(),
            }),
        });
    }
    let detected = if looks_like_text(&head, head.len() as u64 == len) {
        "text/plain"
    } else {
        "application/octet-stream"
    };
    Ok(Err(Refusal::UnsupportedType {
        detected: detected.to_owned(),
    }))
}

pub(super) fn malformed(detail: impl Into<String>) -> Refusal {
    Refusal::Malformed {
        detail: detail.into(),
    }
}

pub(super) fn read_head(reader: &mut impl Read, max: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(max);
    reader.take(max as u64).read_to_end(&mut head)?;
    Ok(head)
}

pub(super) fn memfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// UTF-8 without control characters other than tab, line ends, form feed and escape; a
/// sequence cut by the end of the head is allowed when the head is not the whole file.
fn looks_like_text(head: &[u8], whole: bool) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(error) if !whole && error.error_len().is_none() => {
            match std::str::from_utf8(&head[..error.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::fixtures::{self, write};
    use std::io::Write;

    fn check(bytes: &[u8]) -> Result<Kind, Refusal> {
        let dir = tempfile::tempdir().unwrap();
        // Every fixture is named like a harmless PDF: the name never counts.
        let path = write(&dir, "申报书.pdf", bytes);
        inspect(&path).unwrap()
    }

    fn unsupported(detected: &str) -> Result<Kind, Refusal> {
        Err(Refusal::UnsupportedType {
            detected: detected.to_owned(),
        })
    }

    fn executable(entry: &str) -> Result<Kind, Refusal> {
        Err(Refusal::ExecutableInZip {
            entry: entry.to_owned(),
        })
    }

    fn assert_malformed(result: Result<Kind, Refusal>, words: &str) {
        match result {
            Err(Refusal::Malformed { detail }) => {
                assert!(detail.contains(words), "{detail:?} should say {words:?}")
            }
            other => panic!("expected a malformed refusal saying {words:?}, got {other:?}"),
        }
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names_and_serde() {
        use strum::IntoEnumIterator;
        for kind in Kind::iter() {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
            assert!(kind.mime().contains('/'));
        }
        assert_eq!(Kind::parse("PDF"), None);
        assert_eq!(Kind::parse("exe"), None);
        assert_eq!(Kind::Jpeg.extension(), "jpg");
        assert_eq!(Kind::Ofd.mime(), "application/ofd");
        assert!(Kind::Pdf.inline() && Kind::Png.inline() && Kind::Jpeg.inline());
        assert!(!Kind::Docx.inline() && !Kind::Zip.inline() && !Kind::Ofd.inline());
    }

    #[test]
    fn an_executable_named_pdf_is_refused_with_its_type() {
        let elf = std::fs::read("/bin/true").unwrap();
        assert_eq!(check(&elf), unsupported("application/x-executable"));
        let mut pe = b"MZ".to_vec();
        pe.resize(0x40, 0);
        pe[0x3c] = 0x40;
        pe.extend_from_slice(b"PE\0\0");
        pe.resize(512, 0);
        assert_eq!(
            check(&pe),
            unsupported("application/vnd.microsoft.portable-executable")
        );
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert_eq!(check(b""), Err(Refusal::Empty));
        assert_eq!(Refusal::Empty.to_string(), "the file is empty");
    }

    #[test]
    fn text_and_unknown_bytes_are_refused_as_such() {
        assert_eq!(
            check("申报书正文\nsecond line\n".as_bytes()),
            unsupported("text/plain")
        );
        // A multi-byte character cut by the end of the head is still text.
        let long = "揭榜挂帅".repeat(HEAD_LEN);
        assert_eq!(check(long.as_bytes()), unsupported("text/plain"));
        assert_eq!(
            check(&[0x00, 0x13, 0x88, 0xfe, 0x01, 0x02]),
            unsupported("application/octet-stream")
        );
    }

    #[test]
    fn an_old_binary_office_file_is_refused() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.resize(2048, 0);
        match check(&ole) {
            Err(Refusal::UnsupportedType { detected }) => {
                assert!(detected.starts_with("application/"), "{detected}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn office_ofd_and_plain_archives_are_told_apart_by_their_entries() {
        assert_eq!(check(&fixtures::ooxml("word", &[])), Ok(Kind::Docx));
        assert_eq!(check(&fixtures::ooxml("xl", &[])), Ok(Kind::Xlsx));
        assert_eq!(check(&fixtures::ooxml("ppt", &[])), Ok(Kind::Pptx));
        assert_eq!(check(&fixtures::ofd()), Ok(Kind::Ofd));
        assert_eq!(
            check(&fixtures::zip_of(&[
                ("专利证书.pdf", b"%PDF-1.4"),
                ("photos/a.png", b"\x89PNG"),
                ("readme.txt", b"hello"),
            ])),
            Ok(Kind::Zip)
        );
        // An archive with `word/` but no content types is just a ZIP.
        assert_eq!(
            check(&fixtures::zip_of(&[("word/document.xml", b"<w/>")])),
            Ok(Kind::Zip)
        );
        assert_eq!(check(&fixtures::zip_of(&[])), Ok(Kind::Zip));
    }

    #[test]
    fn executables_in_archives_are_refused_by_name_and_by_content() {
        assert_eq!(
            check(&fixtures::zip_of(&[
                ("a.pdf", b"%PDF-"),
                ("setup.exe", b"hello")
            ])),
            executable("setup.exe")
        );
        assert_eq!(
            check(&fixtures::zip_of(&[("tools/RUN.BAT. ", b"@echo off")])),
            executable("tools/RUN.BAT. ")
        );
        let elf = std::fs::read("/bin/true").unwrap();
        assert_eq!(
            check(&fixtures::zip_of(&[("docs/readme.txt", &elf)])),
            executable("docs/readme.txt")
        );
        assert_eq!(
            check(&fixtures::zip_of(&[(
                "notes.txt",
                b"#!/bin/sh\nrm -rf ~\n"
            )])),
            executable("notes.txt")
        );
        assert_eq!(
            check(&fixtures::zip_of(&[("image.jpg", b"MZ\x90\x00\x03")])),
            executable("image.jpg")
        );
        // Office and OFD containers get the same check.
        assert_eq!(
            check(&fixtures::ooxml(
                "word",
                &[("word/embeddings/oleObject1.bin", &elf)]
            )),
            executable("word/embeddings/oleObject1.bin")
        );
        let ofd = fixtures::zip_of(&[("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/run.js", b"x")]);
        assert_eq!(check(&ofd), executable("Doc_0/run.js"));
    }

    #[test]
    fn archives_inside_archives_are_opened_one_level_deep() {
        let elf = std::fs::read("/bin/true").unwrap();
        let inner = fixtures::zip_of(&[("bin/tool.dat", &elf)]);
        assert_eq!(
            check(&fixtures::zip_of(&[
                ("a.txt", b"a"),
                ("附件/inner.data", &inner)
            ])),
            executable("附件/inner.data/bin/tool.dat")
        );
        // A harmless nested archive (an Excel chart inside a Word file) passes.
        let chart = fixtures::ooxml("xl", &[]);
        assert_eq!(
            check(&fixtures::ooxml(
                "word",
                &[("word/embeddings/Microsoft_Excel_Worksheet.xlsx", &chart)]
            )),
            Ok(Kind::Docx)
        );
        // Two levels down, names are still checked, content is not opened.
        let deeper = fixtures::zip_of(&[("middle.zip", &inner)]);
        assert_eq!(
            check(&fixtures::zip_of(&[("outer.zip", &deeper)])),
            Ok(Kind::Zip)
        );
        let named = fixtures::zip_of(&[("middle.zip", &fixtures::zip_of(&[("x.exe", b"")]))]);
        assert_eq!(
            check(&fixtures::zip_of(&[("outer.zip", &named)])),
            Ok(Kind::Zip),
            "the third level is not opened (documented)"
        );
    }

    #[test]
    fn unreadable_and_oversized_archives_are_refused() {
        // A local header and nothing else: no central directory.
        let mut cut = fixtures::zip_of(&[("a.txt", b"hello world")]);
        cut.truncate(40);
        assert_malformed(check(&cut), "end-of-central-directory");

        // Entries declaring more than the cap, uncompressed.
        let mut big = {
            let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            writer.start_file("a.txt", options).unwrap();
            writer.write_all(b"hello").unwrap();
            writer.finish().unwrap().into_inner()
        };
        let at = big.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        big[at + 24..at + 28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(check(&big), Err(Refusal::Malformed { .. })));

        // Too many entries.
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("{i}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        assert_malformed(check(&fixtures::zip_of(&entries)), "entries");
    }

    fn pdf_with(extra_objects: &[Vec<u8>], catalog_extra: &str) -> Vec<u8> {
        let mut objects = fixtures::pdf_skeleton(catalog_extra);
        objects.extend_from_slice(extra_objects);
        fixtures::pdf_from_objects(&objects)
    }

    #[test]
    fn a_clean_pdf_passes() {
        assert_eq!(check(&fixtures::pdf_with_metadata(2)), Ok(Kind::Pdf));
        assert_eq!(check(&pdf_with(&[], "")), Ok(Kind::Pdf));
        // Names that merely start with JS or JavaScript are not JavaScript.
        let names = pdf_with(
            &[b"<< /JSomething 1 /JavaScripts [] /JS2 3 /AJS 4 /J#53x 5 >>".to_vec()],
            "",
        );
        assert_eq!(check(&names), Ok(Kind::Pdf));
    }

    #[test]
    fn a_pdf_with_javascript_in_plain_syntax_is_refused() {
        let action = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>".to_vec();
        assert_eq!(
            check(&pdf_with(&[action], "/OpenAction 4 0 R")),
            Err(Refusal::PdfJavaScript)
        );
        let only_js = b"<< /Type /Action /JS 5 0 R >>".to_vec();
        assert_eq!(
            check(&pdf_with(&[only_js], "")),
            Err(Refusal::PdfJavaScript)
        );
        let names_tree = pdf_with(&[], "/Names << /JavaScript 9 0 R >>");
        assert_eq!(check(&names_tree), Err(Refusal::PdfJavaScript));
    }

    #[test]
    fn escaped_names_are_decoded() {
        for name in [
            "/J#53",
            "/#4a#53",
            "/J#61vaScript",
            "/#4A#61#76#61#53#63#72#69#70#74",
        ] {
            let action = format!("<< /S /Launch {name} (x) >>").into_bytes();
            assert_eq!(
                check(&pdf_with(&[action], "")),
                Err(Refusal::PdfJavaScript),
                "{name}"
            );
        }
    }

    #[test]
    fn javascript_only_inside_a_compressed_object_stream_is_refused() {
        let object_stream =
            fixtures::pdf_object_stream(5, &["<< /S /JavaScript /JS (app.alert\\(1\\)) >>"]);
        let pdf = pdf_with(&[object_stream], "/OpenAction 5 0 R");
        // The raw file does not show it.
        assert!(!fixtures::contains(&pdf, b"/JS"));
        assert_eq!(check(&pdf), Err(Refusal::PdfJavaScript));

        // The same without `/Type /ObjStm` (readers go by `/First`).
        let data = fixtures::zlib(b"5 0 << /J#53 (x) >>");
        let stream = fixtures::pdf_stream("/N 1 /First 4 /Filter /FlateDecode", &data);
        assert_eq!(check(&pdf_with(&[stream], "")), Err(Refusal::PdfJavaScript));

        // A harmless object stream passes.
        let harmless = fixtures::pdf_object_stream(5, &["<< /Title (x) >>", "[1 2 3]"]);
        assert_eq!(check(&pdf_with(&[harmless], "")), Ok(Kind::Pdf));
    }

    #[test]
    fn javascript_in_other_flate_streams_is_found_but_not_in_images() {
        let stream =
            fixtures::pdf_stream("/Filter /FlateDecode", &fixtures::zlib(b"<< /JS (x) >>"));
        assert_eq!(check(&pdf_with(&[stream], "")), Err(Refusal::PdfJavaScript));
        let image = fixtures::pdf_stream(
            "/Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /FlateDecode",
            &fixtures::zlib(b"pixels /JS here are bytes, not syntax"),
        );
        assert_eq!(check(&pdf_with(&[image], "")), Ok(Kind::Pdf));
    }

    #[test]
    fn object_streams_that_cannot_be_read_are_refused() {
        let hex = fixtures::pdf_stream(
            "/Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode",
            b"3520302030203C3C3E3E>",
        );
        assert_malformed(check(&pdf_with(&[hex], "")), "filter");
        let garbage = fixtures::pdf_stream(
            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            b"\x01\x02\x03 not zlib at all",
        );
        assert_malformed(check(&pdf_with(&[garbage], "")), "inflate");
    }

    #[test]
    fn a_string_cannot_fake_a_stream_to_hide_javascript() {
        // A reader sees `(x stream)` as a string; a scanner that took `stream` for the keyword
        // would skip everything up to the next `endstream` as an image's data.
        let trick = b"<< /Subtype /Image /T (x stream)\n/S /JavaScript /JS (1) >>".to_vec();
        let later = fixtures::pdf_stream("/Subtype /Image", b"data");
        assert_eq!(
            check(&pdf_with(&[trick, later], "")),
            Err(Refusal::PdfJavaScript)
        );
        let hex_trick = b"<< /Subtype /Image /T <stream>\n/JS (1) >>".to_vec();
        assert_eq!(
            check(&pdf_with(&[hex_trick], "")),
            Err(Refusal::PdfJavaScript)
        );
    }

    #[test]
    fn a_name_split_across_chunks_is_seen_whole() {
        for name in ["/JavaScript", "/J#61vaScript"] {
            for split in 1..name.len() {
                let mut pdf = b"%PDF-1.7\n".to_vec();
                pdf.resize(CHUNK_LEN - split, b' ');
                pdf.extend_from_slice(name.as_bytes());
                pdf.extend_from_slice(b" (x)\n%%EOF\n");
                assert_eq!(
                    check(&pdf),
                    Err(Refusal::PdfJavaScript),
                    "{name} split {split}"
                );
            }
        }
        // Likewise for `endstream`: what follows it is syntax again.
        for split in 1..b"endstream".len() {
            let mut pdf = b"%PDF-1.7\n1 0 obj << /Subtype /Image >>\nstream\n".to_vec();
            pdf.resize(CHUNK_LEN - split, b'e');
            pdf.extend_from_slice(b"endstream endobj 2 0 obj << /JS 1 >> endobj\n%%EOF\n");
            assert_eq!(check(&pdf), Err(Refusal::PdfJavaScript), "split {split}");
        }
    }

    #[test]
    fn a_pdf_without_its_markers_is_malformed() {
        let mut pdf = pdf_with(&[], "");
        let eof = pdf.len() - 6;
        pdf.truncate(eof);
        assert_malformed(check(&pdf), "%%EOF");
        let mut shifted = b"garbage before the header\n".to_vec();
        shifted.extend_from_slice(&pdf_with(&[], ""));
        assert_malformed(check(&shifted), "%PDF");
    }

    #[test]
    fn images_are_recognised() {
        assert_eq!(check(&fixtures::png()), Ok(Kind::Png));
        assert_eq!(check(&fixtures::jpeg()), Ok(Kind::Jpeg));
        assert_eq!(check(b"GIF89a\x01\x00\x01\x00"), unsupported("image/gif"));
    }

    #[test]
    fn a_50_mib_pdf_is_scanned_in_chunks() {
        // Written in pieces and scanned in chunks: neither side holds the file.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pdf");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        file.write_all(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
            .unwrap();
        let line = b"0 0 m 100 100 l S /F1 12 Tf (text) Tj 1 0 0 1 0 0 cm\n";
        let mut written = 0;
        let mut number = 2;
        while written < 50 * 1024 * 1024 {
            file.write_all(format!("{number} 0 obj << /Length 0 >>\nstream\n").as_bytes())
                .unwrap();
            for _ in 0..20_000 {
                file.write_all(line).unwrap();
            }
            file.write_all(b"endstream\nendobj\n").unwrap();
            written += 20_000 * line.len();
            number += 1;
        }
        file.write_all(b"trailer << /Root 1 0 R >>\n%%EOF\n")
            .unwrap();
        file.flush().unwrap();
        drop(file);
        assert!(std::fs::metadata(&path).unwrap().len() > 50 * 1024 * 1024);
        assert_eq!(inspect(&path).unwrap(), Ok(Kind::Pdf));
    }
}
