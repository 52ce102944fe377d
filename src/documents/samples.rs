//! Small PDFs with Chinese text for the demo data (`seed-demo`), so that a newcomer sees documents
//! at once.
//!
//! No font is embedded: the text is set in STSong-Light, one of the standard Adobe-GB1 CJK fonts
//! that PDF viewers supply themselves, as a Type0 font with the predefined CMap `UniGB-UCS2-H`,
//! so the strings in the content stream are the characters' UCS-2 codes, big-endian. Acrobat and
//! pdf.js bring the font; poppler (`pdftotext`, `pdftoppm`, Evince) needs `poppler-data` for the
//! CMap and draws the glyphs with whatever Chinese font the system has (`fonts-wqy-microhei`,
//! `fonts-noto-cjk`), boxes when it has none. A sample of a few paragraphs is about 2 kB.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};

/// A4 in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 72.0;
const TITLE_SIZE: f32 = 18.0;
const BODY_SIZE: f32 = 12.0;
const LEADING: f32 = 20.0;
/// STSong-Light's widths (thousandths of an em) of U+0020–U+007E, its CIDs 1–95; everything
/// else this module sets is full width (1000).
const LATIN_WIDTHS: [u16; 95] = [
    207, 270, 342, 467, 462, 797, 710, 239, 374, 374, 423, 605, 238, 375, 238, 334, 462, 462, 462,
    462, 462, 462, 462, 462, 462, 462, 238, 238, 605, 605, 605, 344, 748, 684, 560, 695, 739, 563,
    511, 729, 793, 318, 312, 666, 526, 896, 758, 772, 544, 772, 628, 465, 607, 753, 711, 972, 647,
    620, 607, 374, 333, 374, 606, 500, 239, 417, 503, 427, 529, 415, 264, 444, 518, 241, 230, 495,
    228, 793, 527, 524, 524, 504, 338, 336, 277, 517, 450, 652, 466, 452, 407, 370, 258, 370, 605,
];

/// Room below the title, in lines of body text.
const TITLE_GAP: f32 = 2.0;

/// A PDF of as many A4 pages as the text needs (one or two for a demo text): `title` in large type
/// on the first page, then `paragraphs`, wrapped by the characters' widths (a Han character one
/// em, Latin letters their STSong-Light widths). The Info dictionary carries `title` and
/// `author`, which a blind copy must strip. Characters outside the Basic Multilingual Plane,
/// which UCS-2 cannot encode, are set as `?`. The same arguments give the same bytes.
pub fn sample_pdf(title: &str, author: &str, paragraphs: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();

    let descriptor_id = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "STSong-Light",
        // Serif and symbolic: the font has characters outside the standard Latin set.
        "Flags" => 6,
        "FontBBox" => vec![(-25).into(), (-254).into(), 1000.into(), 880.into()],
        "ItalicAngle" => 0,
        "Ascent" => 752,
        "Descent" => -271,
        "CapHeight" => 737,
        "StemV" => 58,
    });
    let cid_font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType0",
        "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("GB1"),
            "Supplement" => 2,
        },
        "FontDescriptor" => descriptor_id,
        // Han characters are full width; CIDs 1–95 (U+0020–U+007E) are proportional Latin.
        "DW" => 1000,
        "W" => vec![
            1.into(),
            Object::Array(LATIN_WIDTHS.iter().map(|w| Object::from(i64::from(*w))).collect()),
        ],
    });
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "STSong-Light-UniGB-UCS2-H",
        "Encoding" => "UniGB-UCS2-H",
        "DescendantFonts" => vec![cid_font_id.into()],
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });

    let mut kids = Vec::new();
    for page in layout(title, paragraphs) {
        let content = Content {
            operations: page_operations(&page),
        };
        // Encoding operations of names, numbers and strings cannot fail.
        let bytes = content.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(Dictionary::new(), bytes));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    let info_id = doc.add_object(dictionary! {
        "Title" => lopdf::text_string(title),
        "Author" => lopdf::text_string(author),
        "Producer" => Object::string_literal("Jiebang demo data"),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    doc.compress();

    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = doc.save_to(&mut out);
    out
}

/// One line of text on a page: how far below the previous line it sits, in points.
struct Line {
    text: String,
    size: f32,
    advance: f32,
}

/// Fills pages with lines, starting a new page when the next line would pass the bottom margin.
struct Pager {
    pages: Vec<Vec<Line>>,
    used: f32,
}

impl Pager {
    fn push(&mut self, text: String, size: f32, mut advance: f32) {
        if self.used + advance > PAGE_HEIGHT - 2.0 * MARGIN {
            self.pages.push(Vec::new());
            self.used = 0.0;
            // A new page starts one line below its top margin, whatever space came before.
            advance = LEADING;
        }
        self.used += advance;
        if let Some(page) = self.pages.last_mut() {
            page.push(Line {
                text,
                size,
                advance,
            });
        }
    }
}

/// The lines of each page, title first.
fn layout(title: &str, paragraphs: &[&str]) -> Vec<Vec<Line>> {
    let body_width = PAGE_WIDTH - 2.0 * MARGIN;
    // In thousandths of an em of each size.
    let title_units = (body_width / TITLE_SIZE * 1000.0) as u32;
    let body_units = (body_width / BODY_SIZE * 1000.0) as u32;

    let mut pager = Pager {
        pages: vec![Vec::new()],
        used: 0.0,
    };
    for text in wrap(title, title_units) {
        pager.push(text, TITLE_SIZE, TITLE_SIZE * 1.5);
    }
    // Room below the title.
    let mut advance = LEADING * TITLE_GAP;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            // A blank line between paragraphs.
            advance = 2.0 * LEADING;
        }
        // First-line indent of two characters, as Chinese typesetting does.
        let indented = format!("\u{3000}\u{3000}{paragraph}");
        for text in wrap(&indented, body_units) {
            pager.push(text, BODY_SIZE, advance);
            advance = LEADING;
        }
    }
    pager.pages
}

/// How wide `c` is set, in thousandths of an em.
fn width(c: char) -> u32 {
    match u32::from(c) {
        code @ 0x20..=0x7E => u32::from(LATIN_WIDTHS[(code - 0x20) as usize]),
        _ => 1000,
    }
}

/// Splits `text` into lines at most `units` thousandths of an em wide.
fn wrap(text: &str, units: u32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        if c == '\n' {
            lines.push(std::mem::take(&mut line));
            used = 0;
            continue;
        }
        let w = width(c);
        if used + w > units && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The text operations of one page, lines from the top margin down.
fn page_operations(lines: &[Line]) -> Vec<Operation> {
    let mut operations = vec![Operation::new("BT", vec![])];
    let mut y = PAGE_HEIGHT - MARGIN;
    let mut size = 0.0;
    for line in lines {
        y -= line.advance;
        if line.size != size {
            size = line.size;
            operations.push(Operation::new("Tf", vec!["F1".into(), size.into()]));
        }
        // An absolute position per line: Tm rather than relative Td moves.
        operations.push(Operation::new(
            "Tm",
            vec![
                1.into(),
                0.into(),
                0.into(),
                1.into(),
                MARGIN.into(),
                y.into(),
            ],
        ));
        operations.push(Operation::new(
            "Tj",
            vec![Object::String(ucs2(&line.text), StringFormat::Hexadecimal)],
        ));
    }
    operations.push(Operation::new("ET", vec![]));
    operations
}

/// UCS-2 big-endian, as `UniGB-UCS2-H` reads it; `?` for what UCS-2 cannot hold.
fn ucs2(text: &str) -> Vec<u8> {
    text.chars()
        .flat_map(|c| {
            let code = u16::try_from(u32::from(c)).unwrap_or(u16::from(b'?'));
            code.to_be_bytes()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLE: &str = "智能巡检机器人需求说明";
    const AUTHOR: &str = "华东电力装备研究院 张伟";

    fn paragraphs() -> Vec<&'static str> {
        vec![
            "本项目面向变电站无人值守场景，征集具备自主导航、红外测温和表计识别能力的巡检机器人整体解决方案。",
            "揭榜团队应在十二个月内完成样机研制，并在不少于两座220kV变电站完成连续三个月的试运行，识别准确率不低于98%。",
        ]
    }

    #[test]
    fn the_pdf_loads_with_its_info_and_chinese_text() {
        let bytes = sample_pdf(TITLE, AUTHOR, &paragraphs());
        assert!(bytes.starts_with(b"%PDF-1.5"));
        // No dates or random ids: the demo data's hashes are the same at every seed.
        assert_eq!(bytes, sample_pdf(TITLE, AUTHOR, &paragraphs()));
        let doc = Document::load_mem(&bytes).unwrap();

        let info_id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let info = doc.get_dictionary(info_id).unwrap();
        assert_eq!(
            lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap(),
            TITLE
        );
        assert_eq!(
            lopdf::decode_text_string(info.get(b"Author").unwrap()).unwrap(),
            AUTHOR
        );

        let pages = doc.get_pages();
        assert_eq!(pages.len(), 1);
        let page_id = *pages.values().next().unwrap();
        let content = doc.get_page_content(page_id);
        // 智 is U+667A, 能 U+80FD: the title's first two characters as UCS-2.
        let title_codes = ucs2(TITLE);
        assert_eq!(&title_codes[..4], &[0x66, 0x7A, 0x80, 0xFD]);
        let decoded = Content::decode(&content).unwrap();
        let shown: Vec<u8> = decoded
            .operations
            .iter()
            .filter(|op| op.operator == "Tj")
            .flat_map(|op| op.operands[0].as_str().unwrap().to_vec())
            .collect();
        let find = |needle: &[u8]| shown.windows(needle.len()).any(|w| w == needle);
        assert!(find(&title_codes), "the title is in the content stream");
        // A phrase from the middle of each paragraph (wrapping must not split these).
        assert!(find(&ucs2("红外测温")));
        assert!(find(&ucs2("识别准确率")));

        // The font is the standard STSong-Light through the UCS-2 CMap, not embedded.
        let font = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .find(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type0"))
            .unwrap();
        assert_eq!(
            font.get(b"Encoding").unwrap().as_name().unwrap(),
            b"UniGB-UCS2-H"
        );
        assert!(
            !doc.objects
                .values()
                .filter_map(|o| o.as_dict().ok())
                .any(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"))
        );
    }

    #[test]
    fn long_text_wraps_and_continues_on_a_second_page() {
        let long = "揭榜挂帅".repeat(300);
        let bytes = sample_pdf(TITLE, AUTHOR, &[&long]);
        let doc = Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        // 451 pt of 12 pt type: 37 Han characters a line.
        let lines = wrap(&long, 37_583);
        assert_eq!(lines.len(), 1200_usize.div_ceil(37));
        for line in &lines[..lines.len() - 1] {
            assert_eq!(line.chars().count(), 37);
        }
    }

    #[test]
    fn wrapping_counts_each_characters_width() {
        // 0 is 462 wide, W 972, a Han character 1000.
        assert_eq!(wrap("000000", 1900), vec!["0000", "00"]);
        assert_eq!(wrap("WWW", 1999), vec!["WW", "W"]);
        assert_eq!(wrap("中文字符", 2000), vec!["中文", "字符"]);
        assert_eq!(wrap("", 2000), vec![""]);
        assert_eq!(width(' '), 207);
        assert_eq!(width('~'), 605);
        assert_eq!(ucs2("A😀"), vec![0x00, 0x41, 0x00, 0x3F]);
    }
}
