//! The archive checks of [`super::inspect`]: the central directory's limits, executables by
//! name and by first bytes, archives inside archives one level deep.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use super::{
    ENTRY_HEAD_LEN, EXECUTABLE_EXTENSIONS, Kind, MAX_CENTRAL_DIRECTORY, MAX_DECLARED_SIZE,
    MAX_ENTRIES, MAX_NESTED_SIZE, Refusal, malformed, read_head,
};

/// What the end-of-central-directory record declares.
struct Directory {
    entries: u64,
    size: u64,
}

/// Reads the (ZIP64 if need be) end-of-central-directory record, the last one in the file.
fn read_directory(file: &mut (impl Read + Seek), len: u64) -> io::Result<Option<Directory>> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_len = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let tail = read_head(file, tail_len as usize)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(EOCD))
    else {
        return Ok(None);
    };
    let record = &tail[at..];
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([record[i], record[i + 1]]));
    let u32_at = |i: usize| {
        u64::from(u32::from_le_bytes([
            record[i],
            record[i + 1],
            record[i + 2],
            record[i + 3],
        ]))
    };
    let mut directory = Directory {
        entries: u16_at(10),
        size: u32_at(12),
    };
    let zip64 =
        directory.entries == 0xFFFF || directory.size == 0xFFFF_FFFF || u32_at(16) == 0xFFFF_FFFF;
    if zip64 {
        // The locator is the 20 bytes before the record; it points at the ZIP64 record.
        let record_at = len - tail_len + at as u64;
        if record_at < 20 {
            return Ok(None);
        }
        file.seek(SeekFrom::Start(record_at - 20))?;
        let locator = read_head(file, 20)?;
        if !locator.starts_with(b"PK\x06\x07") {
            return Ok(None);
        }
        let mut offset = [0u8; 8];
        offset.copy_from_slice(&locator[8..16]);
        file.seek(SeekFrom::Start(u64::from_le_bytes(offset)))?;
        let record64 = read_head(file, 56)?;
        if record64.len() < 56 || !record64.starts_with(b"PK\x06\x06") {
            return Ok(None);
        }
        let u64_at = |i: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&record64[i..i + 8]);
            u64::from_le_bytes(bytes)
        };
        directory = Directory {
            entries: u64_at(32),
            size: u64_at(40),
        };
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(Some(directory))
}

/// Checks an archive at `depth` 0 (the upload) or 1 (an archive inside it, whose entries are
/// named `prefix` + their path).
pub(super) fn check_archive(
    mut file: File,
    len: u64,
    prefix: &str,
    depth: u8,
    nested_budget: &mut u64,
) -> io::Result<Result<Kind, Refusal>> {
    let Some(directory) = read_directory(&mut file, len)? else {
        return Ok(Err(malformed(format!(
            "{prefix}: the ZIP end-of-central-directory record cannot be found"
        ))));
    };
    if directory.entries > MAX_ENTRIES {
        return Ok(Err(malformed(format!(
            "{prefix}: the archive declares {} entries, more than {MAX_ENTRIES}",
            directory.entries
        ))));
    }
    if directory.size > MAX_CENTRAL_DIRECTORY {
        return Ok(Err(malformed(format!(
            "{prefix}: the archive's central directory has {} bytes, more than {MAX_CENTRAL_DIRECTORY}",
            directory.size
        ))));
    }
    let mut archive = match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(archive) => archive,
        Err(error) => {
            return Ok(Err(malformed(format!(
                "{prefix}: the ZIP central directory cannot be read: {error}"
            ))));
        }
    };
    if archive.len() as u64 > MAX_ENTRIES {
        return Ok(Err(malformed(format!(
            "{prefix}: the archive has more than {MAX_ENTRIES} entries"
        ))));
    }
    if let Err(error) = archive.validate_header_consistency() {
        return Ok(Err(malformed(format!("{prefix}: {error}"))));
    }
    let mut declared = 0u64;
    let mut names = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = match archive.by_index_data(index) {
            Ok(entry) => entry,
            Err(error) => return Ok(Err(malformed(format!("{prefix}: {error}")))),
        };
        declared = declared.saturating_add(entry.size());
        names.push(String::from_utf8_lossy(entry.name_raw()).into_owned());
    }
    if declared > MAX_DECLARED_SIZE {
        return Ok(Err(malformed(format!(
            "{prefix}: the archive's entries declare {declared} bytes uncompressed, more than {MAX_DECLARED_SIZE}"
        ))));
    }
    let kind = container_kind(&names);

    for (index, name) in names.iter().enumerate() {
        let shown = format!("{prefix}{name}");
        if has_executable_extension(name) {
            return Ok(Err(Refusal::ExecutableInZip { entry: shown }));
        }
        let mut entry = match archive.by_index(index) {
            Ok(entry) if entry.is_dir() => continue,
            Ok(entry) => entry,
            Err(error) => {
                return Ok(Err(malformed(format!(
                    "{shown} cannot be read, so cannot be checked: {error}"
                ))));
            }
        };
        if entry.encrypted() {
            return Ok(Err(malformed(format!(
                "{shown} is encrypted, so cannot be checked"
            ))));
        }
        let head = match read_head(&mut entry, ENTRY_HEAD_LEN) {
            Ok(head) => head,
            Err(error) => {
                return Ok(Err(malformed(format!(
                    "{shown} cannot be decompressed: {error}"
                ))));
            }
        };
        if is_executable(&head) {
            return Ok(Err(Refusal::ExecutableInZip { entry: shown }));
        }
        if depth == 0 && head.starts_with(b"PK\x03\x04") {
            // Unpack it (within the budget) to look inside, one level deep.
            let mut nested = tempfile::tempfile()?;
            let size = {
                let mut limited = (&mut entry).take(*nested_budget + 1);
                io::Write::write_all(&mut nested, &head)?;
                match io::copy(&mut limited, &mut nested) {
                    Ok(copied) => copied + head.len() as u64,
                    Err(error) => {
                        return Ok(Err(malformed(format!(
                            "{shown} cannot be decompressed: {error}"
                        ))));
                    }
                }
            };
            if size > *nested_budget {
                return Ok(Err(malformed(format!(
                    "{shown}: archives inside the archive unpack to more than {MAX_NESTED_SIZE} bytes, which are not checked"
                ))));
            }
            *nested_budget -= size;
            nested.seek(SeekFrom::Start(0))?;
            let inner_prefix = format!("{shown}/");
            if let Err(refusal) = check_archive(nested, size, &inner_prefix, 1, nested_budget)? {
                return Ok(Err(refusal));
            }
        }
    }
    Ok(Ok(kind))
}

/// OFD, OOXML or plain ZIP, by the entries' names.
fn container_kind(names: &[String]) -> Kind {
    if names.iter().any(|n| n.eq_ignore_ascii_case("OFD.xml")) {
        return Kind::Ofd;
    }
    if names.iter().any(|n| n == "[Content_Types].xml") {
        let under = |folder: &str| names.iter().any(|n| n.starts_with(folder));
        if under("word/") {
            return Kind::Docx;
        }
        if under("xl/") {
            return Kind::Xlsx;
        }
        if under("ppt/") {
            return Kind::Pptx;
        }
    }
    Kind::Zip
}

fn has_executable_extension(name: &str) -> bool {
    let file_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let trimmed = file_name.trim_end_matches(['.', ' ']);
    match trimmed.rsplit_once('.') {
        Some((_, extension)) => EXECUTABLE_EXTENSIONS
            .iter()
            .any(|e| e.eq_ignore_ascii_case(extension)),
        None => false,
    }
}

/// Executable formats by their first bytes.
fn is_executable(head: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"\x7fELF",
        b"MZ",
        b"#!",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe", // Mach-O universal binary, and Java class files
        b"dex\n",
        b"L\x00\x00\x00\x01\x14\x02\x00", // Windows shortcut (.lnk)
    ];
    MAGICS.iter().any(|magic| head.starts_with(magic))
}
