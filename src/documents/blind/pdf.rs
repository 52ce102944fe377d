//! The blind copy of a PDF (see [`super`]).

use std::io;
use std::path::Path;

use lopdf::{Dictionary, Object};

use super::{invalid, note};

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

pub(super) fn blind_pdf(src: &Path, dst: &Path) -> io::Result<Vec<String>> {
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
