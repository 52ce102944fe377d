//! The answers the document endpoints document alike.

crate::problem_answers! {
    /// What any upload may be refused with, whatever it is attached to.
    UploadRefused {
        400 => "The body or the multipart form cannot be read (`bad_request`)",
        408 => "The body stalled (`request_timeout`)",
        413 => "Over the file limit (`document_too_large`) or the total of the place (`document_quota_exceeded`), each naming its limit",
        415 => "A type not accepted, named as detected from the content (`document_type_refused`)",
        422 => "Empty (`document_empty`), an executable in an archive (`document_executable`), a PDF with JavaScript (`document_javascript`), damaged (`document_malformed`), infected (`document_infected`), a bad name or `replaces`",
        503 => "The store or the virus scan is unavailable (`virus_scan_unavailable`); nothing stored",
    }
}
