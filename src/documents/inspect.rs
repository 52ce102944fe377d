//! STUB (replaced by the inspect branch).
use std::path::Path;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
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
    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Pdf,
            Kind::Docx,
            Kind::Xlsx,
            Kind::Pptx,
            Kind::Zip,
            Kind::Png,
            Kind::Jpeg,
            Kind::Ofd,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            _ => "application/zip",
        }
    }
    pub fn extension(self) -> &'static str {
        self.as_str()
    }
    pub fn inline(self) -> bool {
        matches!(self, Kind::Pdf | Kind::Png | Kind::Jpeg)
    }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    UnsupportedType { detected: String },
    ExecutableInZip { entry: String },
    PdfJavaScript,
    Malformed { detail: String },
}
pub fn inspect(path: &Path) -> std::io::Result<Result<Kind, Refusal>> {
    let bytes = std::fs::read(path)?;
    Ok(if bytes.starts_with(b"%PDF") {
        Ok(Kind::Pdf)
    } else if bytes.starts_with(b"PK") {
        Ok(Kind::Zip)
    } else {
        Err(Refusal::UnsupportedType {
            detected: "application/octet-stream".into(),
        })
    })
}
