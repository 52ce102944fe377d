//! Serving a stored file: streamed from the store, `ETag` = its SHA-256 (304 on a match),
//! single `Range` requests (206; 416 when unsatisfiable; `If-Range` honoured), the detected
//! `Content-Type`, RFC 6266 `Content-Disposition` with the UTF-8 file name (inline for PDFs and
//! images, attachment otherwise).

use std::ops::Range;

use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
    HeaderValue,
};
use actix_web::{HttpRequest, HttpResponse};

use super::storage::Storage;
use crate::error::{AppError, AppResult, ErrorCode};

/// What is served.
pub struct Served<'a> {
    pub sha256: &'a str,
    pub size: u64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub inline: bool,
}

/// Documents may be framed by the web client of the same origin (its PDF viewer), nothing else.
const DOCUMENT_CSP: &str =
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

pub async fn respond(
    req: &HttpRequest,
    storage: &Storage,
    served: Served<'_>,
) -> AppResult<HttpResponse> {
    let etag = format!("\"{}\"", served.sha256);
    if revalidates(req, &etag) {
        let mut res = HttpResponse::NotModified();
        res.insert_header((header::ETAG, etag));
        return Ok(res.finish());
    }
    let range = match req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    {
        Some(raw) if if_range_holds(req, &etag) => match parse_range(raw, served.size) {
            Ok(range) => range,
            // RFC 9110 §15.5.17: a 416 names the current length, `bytes */{size}`.
            Err(e) => {
                let mut res = actix_web::ResponseError::error_response(&e);
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{}", served.size)) {
                    res.headers_mut().insert(header::CONTENT_RANGE, value);
                }
                return Ok(res);
            }
        },
        _ => None,
    };
    let mut res = match &range {
        Some(r) => {
            let mut res = HttpResponse::build(StatusCode::PARTIAL_CONTENT);
            res.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{}", r.start, r.end - 1, served.size),
            ));
            res
        }
        None => HttpResponse::Ok(),
    };
    let length = range.as_ref().map_or(served.size, |r| r.end - r.start);
    res.insert_header((header::ETAG, etag))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::CONTENT_TYPE, served.content_type.to_string()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            disposition(served.file_name, served.inline),
        ))
        .insert_header((header::CONTENT_SECURITY_POLICY, DOCUMENT_CSP))
        .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    let stream = storage.read(served.sha256, range).await?;
    Ok(res.no_chunking(length).streaming(stream))
}

/// Whether this request starts reading the file: not a revalidation that will answer 304, not a
/// range after the first byte (a PDF viewer reads a large file in many ranges; the audit log
/// records the reading once, not every range).
pub fn starts_a_read(req: &HttpRequest, sha256: &str, size: u64) -> bool {
    let etag = format!("\"{sha256}\"");
    if revalidates(req, &etag) {
        return false;
    }
    match req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    {
        Some(raw) if if_range_holds(req, &etag) => {
            matches!(
                parse_range(raw, size),
                Ok(None) | Ok(Some(std::ops::Range { start: 0, .. }))
            )
        }
        _ => true,
    }
}

/// Whether `If-None-Match` names `etag` (weakly or not) or `*`: the answer is 304.
fn revalidates(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| {
            inm.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
        })
}

/// `If-Range` absent, or naming this `ETag`: the range applies; otherwise the whole file.
fn if_range_holds(req: &HttpRequest, etag: &str) -> bool {
    match req
        .headers()
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(v) => v.trim() == etag,
    }
}

/// One byte range of a file of `size` bytes: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges,
/// another unit or a malformed header: ignored (the whole file, as RFC 9110 allows). A range that
/// starts at or past the end: 416.
pub fn parse_range(raw: &str, size: u64) -> AppResult<Option<Range<u64>>> {
    let Some(spec) = raw.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let Ok(n) = last.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 {
            return Err(unsatisfiable(size));
        }
        size.saturating_sub(n)..size
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return Ok(None);
        };
        let end = if last.is_empty() {
            size
        } else {
            match last.parse::<u64>() {
                Ok(last) if last >= start => (last + 1).min(size),
                _ => return Ok(None),
            }
        };
        if start >= size {
            return Err(unsatisfiable(size));
        }
        start..end
    };
    Ok(Some(range))
}

fn unsatisfiable(size: u64) -> AppError {
    AppError::coded(
        StatusCode::RANGE_NOT_SATISFIABLE,
        ErrorCode::RangeNotSatisfiable,
    )
    .arg("size", size)
}

/// RFC 6266: `filename*` in UTF-8 for the real name, and an ASCII `filename` fallback.
pub fn disposition(file_name: &str, inline: bool) -> HeaderValue {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cd = ContentDisposition {
        disposition: if inline {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![
            DispositionParam::Filename(fallback),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_string()),
                language_tag: None,
                value: file_name.as_bytes().to_vec(),
            }),
        ],
    };
    use actix_web::http::header::TryIntoHeaderValue;
    cd.try_into_value()
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100).unwrap(), Some(0..10));
        assert_eq!(parse_range("bytes=90-", 100).unwrap(), Some(90..100));
        assert_eq!(parse_range("bytes=-10", 100).unwrap(), Some(90..100));
        assert_eq!(parse_range("bytes=-1000", 100).unwrap(), Some(0..100));
        assert_eq!(parse_range("bytes=50-1000", 100).unwrap(), Some(50..100));
        assert_eq!(parse_range("bytes=0-1,5-6", 100).unwrap(), None);
        assert_eq!(parse_range("items=0-1", 100).unwrap(), None);
        assert_eq!(parse_range("bytes=9-3", 100).unwrap(), None);
        assert!(parse_range("bytes=100-", 100).is_err());
        assert!(parse_range("bytes=-0", 100).is_err());
    }

    #[test]
    fn chinese_names_are_sent_in_utf8_with_an_ascii_fallback() {
        let v = disposition("申报书 v2.pdf", true);
        let s = v.to_str().unwrap();
        assert!(s.starts_with("inline"), "{s}");
        assert!(s.contains("filename*=UTF-8''%E7%94%B3"), "{s}");
        assert!(s.contains("filename=\"___ v2.pdf\""), "{s}");
    }
}
