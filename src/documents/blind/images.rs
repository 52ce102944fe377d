//! The blind copy of a PNG or JPEG image (see [`super`]): byte-level walks that drop the text
//! chunks and segments, streaming.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use super::{invalid, note};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const PNG_DROPPED: &[&[u8; 4]] = &[b"tEXt", b"iTXt", b"zTXt", b"eXIf"];

pub(super) fn blind_png(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
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

pub(super) fn blind_jpeg(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
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
