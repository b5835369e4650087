//! A guarded streaming walk over an ISO 20022 document, shared by the message readers.
//!
//! It owns every defence against hostile XML so the readers only see elements and text: the size
//! limit (checked before parsing), UTF-8, no `<!DOCTYPE>`, no entity references other than the
//! five predefined ones and character references, bounded depth, a supported namespace on
//! `<Document>`, and a clear word when the file is truncated.
//!
//! It is the hot loop of a 10,000-payment upload, so it allocates nothing per element: text is
//! handed over as a slice of the input unless it has to be put together (entity references,
//! comments or CDATA inside it) or have its line ends normalized; namespace declarations are
//! only looked for on elements with attributes; names of open elements are kept as positions.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{NamespaceResolver, QName, ResolveResult};
use quick_xml::reader::Reader;
use quick_xml::XmlVersion;

use super::error::{Problem, Reason};
use super::text::is_xml_text_char;
use super::{MAX_DEPTH, MAX_FILE_BYTES};

macro_rules! tags {
    ($($name:ident),* $(,)?) => {
        /// Local names of the elements the readers look at; anything else is `Other`.
        #[allow(clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Tag {
            $($name,)*
            /// An element no reader looks at, or one outside the document's namespace.
            Other,
        }

        impl Tag {
            /// Every tag with its element name.
            const ALL: &[(&str, Tag)] = &[$((stringify!($name), Tag::$name),)*];

            fn name(self) -> &'static str {
                match self {
                    $(Tag::$name => stringify!($name),)*
                    Tag::Other => "",
                }
            }
        }
    };
}

/// Slots of [`TAG_TABLE`]; a power of two, well above the number of tags so probes are short.
const TAG_SLOTS: usize = 256;

/// A slot of [`TAG_TABLE`]: a tag with its name's key and length, or `Tag::Other` when empty.
#[derive(Clone, Copy)]
struct TagSlot {
    key: u128,
    len: usize,
    tag: Tag,
}

/// The tags by the hash of their name's key (open addressing with linear probing), built at
/// compile time. Looking a name up compares integers: a `match` on the strings compiles to a
/// call to `memcmp` per candidate in this size-optimized build, once per element of a file.
static TAG_TABLE: [TagSlot; TAG_SLOTS] = {
    let mut table = [TagSlot {
        key: 0,
        len: 0,
        tag: Tag::Other,
    }; TAG_SLOTS];
    let mut i = 0;
    while i < Tag::ALL.len() {
        let (name, tag) = Tag::ALL[i];
        let key = name_key(name.as_bytes());
        let mut slot = tag_slot(key, name.len());
        while !matches!(table[slot].tag, Tag::Other) {
            slot = (slot + 1) % TAG_SLOTS;
        }
        table[slot] = TagSlot {
            key,
            len: name.len(),
            tag,
        };
        i += 1;
    }
    table
};

impl Tag {
    fn from_local_name(name: &str) -> Tag {
        let key = name_key(name.as_bytes());
        let mut slot = tag_slot(key, name.len());
        loop {
            let candidate = TAG_TABLE[slot];
            if matches!(candidate.tag, Tag::Other) {
                return Tag::Other;
            }
            if candidate.key == key && candidate.len == name.len() {
                // The key covers the first 16 bytes only.
                return if name.len() <= 16 || candidate.tag.name() == name {
                    candidate.tag
                } else {
                    Tag::Other
                };
            }
            slot = (slot + 1) % TAG_SLOTS;
        }
    }
}

/// The first 16 bytes of an element name as one number, which tells names of up to 16 bytes
/// apart (a name never contains a NUL byte).
const fn name_key(name: &[u8]) -> u128 {
    let mut bytes = [0; 16];
    let mut i = 0;
    while i < name.len() && i < 16 {
        bytes[i] = name[i];
        i += 1;
    }
    u128::from_le_bytes(bytes)
}

/// Where a name's key is looked for first in [`TAG_TABLE`] (a multiplicative hash).
const fn tag_slot(key: u128, len: usize) -> usize {
    let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(29) ^ len as u64;
    (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % TAG_SLOTS
}

tags! {
    // Shared
    Document, GrpHdr, MsgId, CreDtTm, NbOfTxs, CtrlSum, Nm, Id, Othr, Cd, Prtry,
    // pain.001
    CstmrCdtTrfInitn, InitgPty, PmtInf, PmtInfId, PmtMtd, ReqdExctnDt, Dt, DtTm, Dbtr, DbtrAcct,
    IBAN, DbtrAgt, FinInstnId, BIC, BICFI, CdtTrfTxInf, PmtId, InstrId, EndToEndId, Amt, InstdAmt,
    EqvtAmt, Cdtr, CdtrAcct, CdtrAgt, RmtInf, Ustrd, Strd, CdtrRefInf, Ref, RfrdDocInf, Nb,
    // pain.002
    CstmrPmtStsRpt, OrgnlGrpInfAndSts, OrgnlMsgId, OrgnlMsgNmId, GrpSts, StsRsnInf, Rsn, AddtlInf,
    OrgnlPmtInfAndSts, OrgnlPmtInfId, PmtInfSts, TxInfAndSts, StsId, OrgnlInstrId,
    OrgnlEndToEndId, TxSts,
}

/// The start tag of an element, for reading its attributes.
pub(crate) struct StartTag<'a, 'i> {
    start: &'a BytesStart<'i>,
    input: &'i str,
}

impl<'i> StartTag<'_, 'i> {
    /// The value of the attribute with this local name, entity references resolved.
    pub(crate) fn attribute(&self, local_name: &str) -> Result<Option<Cow<'i, str>>, Reason> {
        for attribute in self.start.attributes() {
            let attribute = attribute.map_err(|e| Reason::MalformedXml(e.to_string()))?;
            if attribute.key.local_name().as_ref() == local_name {
                let value = attribute
                    .normalized_value_with(XmlVersion::Implicit1_0, 1, predefined_entity)
                    .map_err(|e| Reason::MalformedXml(e.to_string()))?;
                return Ok(Some(match within(self.input, &value) {
                    Some(borrowed) => Cow::Borrowed(borrowed),
                    None => Cow::Owned(value.into_owned()),
                }));
            }
        }
        Ok(None)
    }
}

/// `part` as a slice of `input`, with `input`'s lifetime, when it is one (quick-xml hands out
/// borrowed text with the lifetime of its event, not of the input it points into).
fn within<'i>(input: &'i str, part: &str) -> Option<&'i str> {
    let start = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    input.get(start..start.checked_add(part.len())?)
}

/// The text directly inside an element, as the walk found it: usually one slice of the input,
/// put together in a buffer only when it came in several pieces.
#[derive(Default)]
pub(crate) struct Content<'i> {
    /// The one piece so far, as written (line ends not yet normalized).
    piece: Option<&'i str>,
    /// All pieces so far, normalized, once there was more than one; `piece` is then `None`.
    joined: Option<String>,
}

impl<'i> Content<'i> {
    fn clear(&mut self) {
        self.piece = None;
        if let Some(joined) = &mut self.joined {
            joined.clear();
        }
    }

    fn is_empty(&self) -> bool {
        self.piece.is_none() && self.joined.as_ref().is_none_or(String::is_empty)
    }

    /// Adds text as written in the file.
    fn push_raw(&mut self, text: &'i str) {
        if self.is_empty() {
            self.piece = Some(text);
        } else {
            let joined = self.joined_mut();
            normalize_line_ends_into(text, joined);
        }
    }

    /// Adds text that is already what it stands for (a resolved reference, CDATA content).
    fn push_resolved(&mut self, text: &str) {
        self.joined_mut().push_str(text);
    }

    fn joined_mut(&mut self) -> &mut String {
        let piece = self.piece.take();
        let joined = self.joined.get_or_insert_with(String::new);
        if let Some(piece) = piece {
            normalize_line_ends_into(piece, joined);
        }
        joined
    }

    /// The text with its line ends normalized (XML 1.0 section 2.11), leaving this empty.
    pub(crate) fn take(&mut self) -> Cow<'i, str> {
        if let Some(piece) = self.piece.take() {
            return normalized(piece);
        }
        match &mut self.joined {
            Some(joined) if !joined.is_empty() => Cow::Owned(std::mem::take(joined)),
            _ => Cow::Borrowed(""),
        }
    }
}

/// Appends `text` to `out` with `\r\n` and lone `\r` turned into `\n`.
fn normalize_line_ends_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
}

/// What a message reader does with the elements of a document.
pub(crate) trait Handler<'i> {
    /// Called once `<Document>` is found in `namespaces[index]`, before its `start`.
    fn namespace(&mut self, index: usize);

    /// Called when an element opens; `path` ends with it and starts with `Document`.
    fn start(&mut self, path: &[Tag], tag: &StartTag<'_, 'i>, line: u32) -> Result<(), Problem>;

    /// Called when an element closes with the text directly inside it (taken if needed) and the
    /// line its start tag was on. An `Err` stops reading.
    fn end(&mut self, path: &[Tag], text: &mut Content<'i>, line: u32) -> Result<(), Problem>;
}

/// An element that is open, beside its tag in the path.
struct Open {
    /// Line of its start tag.
    line: u32,
    /// Byte offset of its start tag's `<`, to name it in an error.
    position: usize,
    /// Whether its start tag may declare namespaces (it was given to the resolver).
    declares: bool,
}

/// Walks `input`, which must be a `<Document>` in one of `namespaces`, feeding `handler`.
/// Returns the index in `namespaces` of the document's namespace.
pub(crate) fn walk<'i>(
    input: &'i [u8],
    namespaces: &[&str],
    handler: &mut impl Handler<'i>,
) -> Result<usize, Problem> {
    if input.len() > MAX_FILE_BYTES {
        return Err(Problem::at(
            1,
            Reason::TooLarge {
                size: input.len(),
                limit: MAX_FILE_BYTES,
            },
        ));
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = std::str::from_utf8(input).map_err(|e| {
        let line = Lines::new(input).line_at(input, e.valid_up_to());
        Problem::at(line, Reason::NotUtf8)
    })?;

    let mut reader = Reader::from_str(text);
    let mut resolver = NamespaceResolver::default();
    // Whether an unprefixed element is in the document's namespace, given the declarations in
    // scope; worked out again only when an element that declares namespaces opens or closes.
    let mut default_is_document = false;
    let mut lines = Lines::new(input);
    let mut path: Vec<Tag> = Vec::with_capacity(32);
    let mut open: Vec<Open> = Vec::with_capacity(32);
    let mut content = Content::default();
    let mut namespace: Option<usize> = None;
    let mut document_closed = false;

    loop {
        let position = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let at = lines.line_at(input, reader.error_position() as usize);
                let open_name = open.last().map(|o| element_name(text, o.position));
                return Err(xml_error(error, at, open_name));
            }
        };
        let (is_empty, start) = match event {
            Event::Start(start) => (false, start),
            Event::Empty(start) => (true, start),
            Event::End(_) => {
                let Some(closed) = open.pop() else {
                    let line = lines.line_at(input, position);
                    return Err(Problem::at(
                        line,
                        Reason::MalformedXml("a closing tag without an opening tag".into()),
                    ));
                };
                handler.end(&path, &mut content, closed.line)?;
                path.pop();
                content.clear();
                if closed.declares {
                    resolver.pop();
                    default_is_document = default_namespace_is(&resolver, namespace, namespaces);
                }
                if path.is_empty() {
                    document_closed = true;
                }
                continue;
            }
            Event::Text(t) => {
                if path.is_empty() {
                    if !t.trim().is_empty() {
                        let line = lines.line_at(input, position);
                        return Err(Problem::at(
                            line,
                            Reason::MalformedXml("text outside the root element".into()),
                        ));
                    }
                } else {
                    match t.into_inner() {
                        Cow::Borrowed(piece) => content.push_raw(piece),
                        Cow::Owned(piece) => content.push_resolved(&normalized(&piece)),
                    }
                }
                continue;
            }
            Event::CData(c) => {
                if path.is_empty() {
                    let line = lines.line_at(input, position);
                    return Err(Problem::at(
                        line,
                        Reason::MalformedXml("CDATA outside the root element".into()),
                    ));
                }
                content.push_resolved(&c.xml10_content());
                continue;
            }
            Event::GeneralRef(reference) => {
                let line = lines.line_at(input, position);
                let c = resolve_reference(&reference).map_err(|r| Problem::at(line, r))?;
                if path.is_empty() {
                    return Err(Problem::at(
                        line,
                        Reason::MalformedXml("a reference outside the root element".into()),
                    ));
                }
                content.push_resolved(c.encode_utf8(&mut [0; 4]));
                continue;
            }
            Event::DocType(_) => {
                let line = lines.line_at(input, position);
                return Err(Problem::at(line, Reason::DocumentTypeDeclaration));
            }
            Event::Decl(declaration) => {
                if let Some(Ok(encoding)) = declaration.encoding() {
                    if !encoding.eq_ignore_ascii_case("UTF-8") {
                        let line = lines.line_at(input, position);
                        return Err(Problem::at(
                            line,
                            Reason::UnsupportedEncoding(encoding.into_owned()),
                        ));
                    }
                }
                continue;
            }
            Event::Comment(_) | Event::PI(_) => continue,
            Event::Eof => {
                if let Some(o) = open.last() {
                    let at = lines.line_at(input, input.len());
                    let name = element_name(text, o.position);
                    return Err(Problem::at(at, Reason::Truncated(name.to_owned())));
                }
                let line = lines.line_at(input, position);
                return namespace.ok_or_else(|| Problem::at(line, Reason::NoDocument));
            }
        };

        // An element opens.
        let line = lines.line_at(input, position);
        if document_closed {
            return Err(Problem::at(
                line,
                Reason::MalformedXml("an element after the end of <Document>".into()),
            ));
        }
        if path.len() >= MAX_DEPTH {
            return Err(Problem::at(line, Reason::TooDeep(MAX_DEPTH)));
        }
        // Only an attribute can declare a namespace; most elements have none.
        let declares = may_declare_namespaces(start.attributes_raw());
        if declares {
            resolver
                .push(&start)
                .map_err(|e| xml_error(e.into(), line, None))?;
        }
        let name = start.name();
        let prefix_end = name.as_ref().bytes().position(|b| b == b':');
        let tag = match namespace {
            None => {
                let (resolved, local) = resolver.resolve_element(name);
                let element_ns = resolved_namespace(&resolved);
                let Some(index) = namespaces.iter().position(|n| Some(*n) == element_ns) else {
                    return Err(Problem::at(
                        line,
                        Reason::UnsupportedNamespace {
                            found: element_ns.unwrap_or("(no namespace)").to_owned(),
                            supported: namespaces.join(", "),
                        },
                    ));
                };
                if local.as_ref() != "Document" {
                    return Err(Problem::at(
                        line,
                        Reason::NotADocument(local.as_ref().to_owned()),
                    ));
                }
                namespace = Some(index);
                handler.namespace(index);
                default_is_document = default_namespace_is(&resolver, namespace, namespaces);
                Tag::Document
            }
            Some(index) => {
                if declares {
                    default_is_document = default_namespace_is(&resolver, namespace, namespaces);
                }
                match prefix_end {
                    None if default_is_document => Tag::from_local_name(name.as_ref()),
                    None => Tag::Other,
                    Some(colon) => {
                        let (resolved, _) = resolver.resolve_element(name);
                        if resolved_namespace(&resolved) == Some(namespaces[index]) {
                            Tag::from_local_name(&name.as_ref()[colon + 1..])
                        } else {
                            Tag::Other
                        }
                    }
                }
            }
        };
        path.push(tag);
        open.push(Open {
            line,
            position,
            declares,
        });
        content.clear();
        handler.start(
            &path,
            &StartTag {
                start: &start,
                input: text,
            },
            line,
        )?;
        if is_empty {
            handler.end(&path, &mut content, line)?;
            path.pop();
            open.pop();
            if declares {
                resolver.pop();
                default_is_document = default_namespace_is(&resolver, namespace, namespaces);
            }
            if path.is_empty() {
                document_closed = true;
            }
        }
    }
}

/// Whether a start tag's attributes may include an `xmlns` or `xmlns:…` declaration.
fn may_declare_namespaces(attributes: &str) -> bool {
    attributes.as_bytes().windows(5).any(|w| w == b"xmlns")
}

/// Whether unprefixed elements are in the document's namespace under the declarations in scope.
fn default_namespace_is(
    resolver: &NamespaceResolver,
    document: Option<usize>,
    namespaces: &[&str],
) -> bool {
    let (resolved, _) = resolver.resolve_element(QName("_"));
    document.is_some_and(|index| resolved_namespace(&resolved) == Some(namespaces[index]))
}

fn resolved_namespace<'n>(resolved: &ResolveResult<'n>) -> Option<&'n str> {
    match resolved {
        ResolveResult::Bound(ns) => Some(ns.0),
        _ => None,
    }
}

/// `text` with its line ends normalized, copied only if it has a carriage return.
fn normalized(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        let mut out = String::with_capacity(text.len());
        normalize_line_ends_into(text, &mut out);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// The local name of the element whose start tag begins at `position` (its `<`), as quick-xml
/// reads it: up to the first whitespace or `>`, after the first `:`.
fn element_name(text: &str, position: usize) -> &str {
    let tag = text.get(position + 1..).unwrap_or("");
    let end = tag.find([' ', '\t', '\r', '\n', '>']).unwrap_or(tag.len());
    let name = &tag[..end];
    name.split_once(':').map_or(name, |(_, local)| local)
}

/// The five entities XML predefines; nothing else is ever expanded.
fn predefined_entity(name: &str) -> Option<&'static str> {
    match name {
        "amp" => Some("&"),
        "lt" => Some("<"),
        "gt" => Some(">"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        _ => None,
    }
}

fn resolve_reference(reference: &BytesRef<'_>) -> Result<char, Reason> {
    let name: &str = reference;
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) if is_xml_text_char(c) => Ok(c),
            _ => Err(Reason::InvalidCharacterReference(name.to_owned())),
        };
    }
    predefined_entity(name)
        .and_then(|s| s.chars().next())
        .ok_or_else(|| Reason::UnknownEntity(name.to_owned()))
}

fn xml_error(error: quick_xml::Error, line: u32, open: Option<&str>) -> Problem {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    let reason = match &error {
        quick_xml::Error::Syntax(SyntaxError::UnclosedDoctype)
        | quick_xml::Error::IllFormed(IllFormedError::MissingDoctypeName) => {
            Reason::DocumentTypeDeclaration
        }
        quick_xml::Error::Syntax(
            SyntaxError::UnclosedTag
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedPI
            | SyntaxError::UnclosedXmlDecl
            | SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue,
        ) => Reason::Truncated(open.unwrap_or("Document").to_owned()),
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(name)) => {
            Reason::Truncated(name.clone())
        }
        _ => Reason::MalformedXml(error.to_string()),
    };
    Problem::at(line, reason)
}

/// Turns byte offsets into 1-based line numbers for a forward walk: it knows where the next
/// newline is, so asking about an offset before it costs a comparison.
struct Lines {
    offset: usize,
    /// Newlines before `offset`.
    line: u32,
    /// Offset of the first newline at or after `offset`, or the input's length if none.
    next_newline: usize,
}

impl Lines {
    fn new(input: &[u8]) -> Self {
        Lines {
            offset: 0,
            line: 0,
            next_newline: find_newline(input).unwrap_or(input.len()),
        }
    }

    // Called for every element: the common case must not cost a call.
    #[inline(always)]
    fn line_at(&mut self, input: &[u8], offset: usize) -> u32 {
        if self.offset <= offset && offset <= self.next_newline {
            self.offset = offset;
            return self.line + 1;
        }
        self.move_to(input, offset.min(input.len()));
        self.line + 1
    }

    #[inline(never)]
    fn move_to(&mut self, input: &[u8], offset: usize) {
        if offset < self.offset {
            // Only an error looks back.
            self.line -= count_newlines(&input[offset..self.offset]) as u32;
            self.offset = offset;
            self.next_newline = find_newline(&input[offset..]).map_or(input.len(), |i| offset + i);
        }
        while self.next_newline < offset {
            self.line += 1;
            let after = self.next_newline + 1;
            self.next_newline = find_newline(&input[after..]).map_or(input.len(), |i| after + i);
        }
        self.offset = offset;
    }
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const LOW7: u64 = u64::from_le_bytes([0x7F; 8]);

/// The high bit of each byte of `word` that is a newline, and of no other byte.
fn newline_bytes(word: &[u8]) -> u64 {
    let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes) ^ (ONES * u64::from(b'\n'));
    !(((word & LOW7) + LOW7) | word | LOW7)
}

/// The offset of the first `\n`, looking eight bytes at a time.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    for (i, word) in (&mut words).enumerate() {
        let found = newline_bytes(word);
        if found != 0 {
            return Some(i * 8 + found.trailing_zeros() as usize / 8);
        }
    }
    let rest = words.remainder();
    let at = rest.iter().position(|&b| b == b'\n')?;
    Some(bytes.len() - rest.len() + at)
}

/// The number of `\n` bytes.
fn count_newlines(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut count = 0;
    for word in &mut words {
        // Each newline byte becomes 1 and the multiplication adds them in the top byte.
        count += (((newline_bytes(word) >> 7).wrapping_mul(ONES)) >> 56) as usize;
    }
    count + words.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_newlines_before_an_offset() {
        let input = b"a\nb\n\nc";
        let mut lines = Lines::new(input);
        assert_eq!(lines.line_at(input, 0), 1);
        assert_eq!(lines.line_at(input, 2), 2);
        assert_eq!(lines.line_at(input, 5), 4);
        // Going back counts the newlines in between rather than giving a wrong line.
        assert_eq!(lines.line_at(input, 1), 1);
        assert_eq!(lines.line_at(input, 6), 4);
        assert_eq!(lines.line_at(input, 3), 2);
        assert_eq!(lines.line_at(input, 4), 3);
        assert_eq!(lines.line_at(input, 100), 4);
        // Every offset gives the line a count from the start gives.
        let text = b"<a>\n\n<b>x</b>\n  <c/>\n\n\n<d>0123456789012345678901234567890</d>\n</a>\n";
        let mut lines = Lines::new(text);
        for offset in (0..=text.len())
            .chain((0..=text.len()).rev())
            .chain(0..=text.len())
        {
            let expected = 1 + text[..offset].iter().filter(|&&b| b == b'\n').count() as u32;
            assert_eq!(lines.line_at(text, offset), expected, "{offset}");
        }
    }

    #[test]
    fn element_names_are_told_apart_beyond_the_sixteen_bytes_of_their_key() {
        for &(name, tag) in Tag::ALL {
            assert_eq!(Tag::from_local_name(name), tag);
            assert_eq!(tag.name(), name);
        }
        assert_eq!(Tag::from_local_name("Nm"), Tag::Nm);
        assert_eq!(
            Tag::from_local_name("CstmrCdtTrfInitn"),
            Tag::CstmrCdtTrfInitn
        );
        assert_eq!(
            Tag::from_local_name("OrgnlPmtInfAndSts"),
            Tag::OrgnlPmtInfAndSts
        );
        assert_eq!(Tag::from_local_name("OrgnlPmtInfAndStsX"), Tag::Other);
        assert_eq!(Tag::from_local_name("CstmrCdtTrfInitnX"), Tag::Other);
        assert_eq!(Tag::from_local_name("Nmm"), Tag::Other);
        assert_eq!(Tag::from_local_name("N"), Tag::Other);
        assert_eq!(Tag::from_local_name(""), Tag::Other);
    }

    #[test]
    fn newlines_are_counted_exactly_in_words_and_their_remainder() {
        let mut input: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        input.extend_from_slice("\n\r\n ø\u{10a}\n\n".as_bytes());
        for start in 0..16 {
            for end in (input.len() - 16)..=input.len() {
                let slice = &input[start..end];
                let expected = slice.iter().filter(|&&b| b == b'\n').count();
                assert_eq!(count_newlines(slice), expected, "{start}..{end}");
                let first = slice.iter().position(|&b| b == b'\n');
                assert_eq!(find_newline(slice), first, "{start}..{end}");
            }
        }
    }

    #[test]
    fn text_in_one_piece_is_borrowed_and_pieces_are_joined_with_line_ends_normalized() {
        let mut content = Content::default();
        content.push_raw("plain");
        assert!(matches!(content.take(), Cow::Borrowed("plain")));
        content.push_raw("a\r\nb\rc");
        assert_eq!(content.take(), "a\nb\nc");
        content.push_raw("A\r\n");
        content.push_resolved("&");
        content.push_raw(" B");
        assert_eq!(content.take(), "A\n& B");
        content.clear();
        assert_eq!(content.take(), "");
        content.push_raw("x");
        content.clear();
        content.push_raw("y");
        assert_eq!(content.take(), "y");
    }

    #[test]
    fn the_name_of_an_open_element_is_read_back_from_its_position() {
        let text = "<a:Document xmlns:a=\"x\"><Cdtr>";
        assert_eq!(element_name(text, 0), "Document");
        assert_eq!(element_name(text, text.find("<Cdtr").unwrap()), "Cdtr");
        assert_eq!(element_name("<Nm", 0), "Nm");
        assert_eq!(element_name("<a:b:c\tx=\"1\">", 0), "b:c");
        assert_eq!(element_name("<Nm</IBAN>", 0), "Nm</IBAN");
    }

    #[test]
    fn only_the_five_predefined_entities_resolve() {
        assert_eq!(resolve_reference(&BytesRef::new("amp")), Ok('&'));
        assert_eq!(resolve_reference(&BytesRef::new("#x41")), Ok('A'));
        assert_eq!(
            resolve_reference(&BytesRef::new("lol9")),
            Err(Reason::UnknownEntity("lol9".into()))
        );
        assert!(resolve_reference(&BytesRef::new("#1")).is_err());
    }
}
