//! A guarded streaming walk over an ISO 20022 document, shared by the message readers.
//!
//! It owns every defence against hostile XML so the readers only see elements and text: the size
//! limit (checked before parsing), UTF-8, no `<!DOCTYPE>`, no entity references other than the
//! five predefined ones and character references, bounded depth, a supported namespace on
//! `<Document>`, and a clear word when the file is truncated.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
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
            fn from_local_name(name: &str) -> Tag {
                match name {
                    $(stringify!($name) => Tag::$name,)*
                    _ => Tag::Other,
                }
            }
        }
    };
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
}

impl StartTag<'_, '_> {
    /// The value of the attribute with this local name, entity references resolved.
    pub(crate) fn attribute(&self, local_name: &str) -> Result<Option<String>, Reason> {
        for attribute in self.start.attributes() {
            let attribute = attribute.map_err(|e| Reason::MalformedXml(e.to_string()))?;
            if attribute.key.local_name().as_ref() == local_name {
                let value = attribute
                    .normalized_value_with(XmlVersion::Implicit1_0, 1, predefined_entity)
                    .map_err(|e| Reason::MalformedXml(e.to_string()))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }
}

/// What a message reader does with the elements of a document.
pub(crate) trait Handler {
    /// Called once `<Document>` is found in `namespaces[index]`, before its `start`.
    fn namespace(&mut self, index: usize);

    /// Called when an element opens; `path` ends with it and starts with `Document`.
    fn start(&mut self, path: &[Tag], tag: &StartTag<'_, '_>, line: u32) -> Result<(), Problem>;

    /// Called when an element closes with the text directly inside it (taken if needed) and the
    /// line its start tag was on. An `Err` stops reading.
    fn end(&mut self, path: &[Tag], text: &mut String, line: u32) -> Result<(), Problem>;
}

/// Walks `input`, which must be a `<Document>` in one of `namespaces`, feeding `handler`.
/// Returns the index in `namespaces` of the document's namespace.
pub(crate) fn walk(
    input: &[u8],
    namespaces: &[&str],
    handler: &mut impl Handler,
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
        let line = Lines::default().line_at(input, e.valid_up_to());
        Problem::at(line, Reason::NotUtf8)
    })?;

    let mut reader = NsReader::from_str(text);
    let mut lines = Lines::default();
    let mut path: Vec<Tag> = Vec::with_capacity(32);
    let mut start_lines: Vec<u32> = Vec::with_capacity(32);
    let mut names: Vec<String> = Vec::with_capacity(32);
    let mut content = String::new();
    let mut namespace: Option<usize> = None;
    let mut document_closed = false;

    loop {
        let position = reader.buffer_position() as usize;
        let line = lines.line_at(input, position);
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(ok) => ok,
            Err(error) => {
                let at = lines.line_at(input, reader.error_position() as usize);
                return Err(xml_error(error, at, names.last()));
            }
        };
        let (element_ns, is_empty, start) = match event {
            Event::Start(start) => (resolved_namespace(&resolved), false, start),
            Event::Empty(start) => (resolved_namespace(&resolved), true, start),
            Event::End(_) => {
                let (Some(start_line), Some(_)) = (start_lines.pop(), names.pop()) else {
                    return Err(Problem::at(
                        line,
                        Reason::MalformedXml("a closing tag without an opening tag".into()),
                    ));
                };
                handler.end(&path, &mut content, start_line)?;
                path.pop();
                content.clear();
                if path.is_empty() {
                    document_closed = true;
                }
                continue;
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                if path.is_empty() {
                    if !t.trim().is_empty() {
                        return Err(Problem::at(
                            line,
                            Reason::MalformedXml("text outside the root element".into()),
                        ));
                    }
                } else {
                    content.push_str(&t);
                }
                continue;
            }
            Event::CData(c) => {
                if path.is_empty() {
                    return Err(Problem::at(
                        line,
                        Reason::MalformedXml("CDATA outside the root element".into()),
                    ));
                }
                content.push_str(&c.xml10_content());
                continue;
            }
            Event::GeneralRef(reference) => {
                let c = resolve_reference(&reference).map_err(|r| Problem::at(line, r))?;
                if path.is_empty() {
                    return Err(Problem::at(
                        line,
                        Reason::MalformedXml("a reference outside the root element".into()),
                    ));
                }
                content.push(c);
                continue;
            }
            Event::DocType(_) => {
                return Err(Problem::at(line, Reason::DocumentTypeDeclaration));
            }
            Event::Decl(declaration) => {
                if let Some(Ok(encoding)) = declaration.encoding() {
                    if !encoding.eq_ignore_ascii_case("UTF-8") {
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
                if let Some(open) = names.last() {
                    let at = lines.line_at(input, input.len());
                    return Err(Problem::at(at, Reason::Truncated(open.clone())));
                }
                return namespace.ok_or_else(|| Problem::at(line, Reason::NoDocument));
            }
        };

        // An element opens.
        if document_closed {
            return Err(Problem::at(
                line,
                Reason::MalformedXml("an element after the end of <Document>".into()),
            ));
        }
        if path.len() >= MAX_DEPTH {
            return Err(Problem::at(line, Reason::TooDeep(MAX_DEPTH)));
        }
        let local = start.local_name();
        let local_name = local.as_ref();
        let tag = match namespace {
            None => {
                let found = element_ns.unwrap_or("(no namespace)");
                let Some(index) = namespaces.iter().position(|n| Some(*n) == element_ns) else {
                    return Err(Problem::at(
                        line,
                        Reason::UnsupportedNamespace {
                            found: found.to_owned(),
                            supported: namespaces.join(", "),
                        },
                    ));
                };
                if local_name != "Document" {
                    return Err(Problem::at(
                        line,
                        Reason::NotADocument(local_name.to_owned()),
                    ));
                }
                namespace = Some(index);
                handler.namespace(index);
                Tag::Document
            }
            Some(index) if element_ns == Some(namespaces[index]) => {
                Tag::from_local_name(local_name)
            }
            Some(_) => Tag::Other,
        };
        path.push(tag);
        start_lines.push(line);
        names.push(local_name.to_owned());
        content.clear();
        handler.start(&path, &StartTag { start: &start }, line)?;
        if is_empty {
            handler.end(&path, &mut content, line)?;
            path.pop();
            start_lines.pop();
            names.pop();
            if path.is_empty() {
                document_closed = true;
            }
        }
    }
}

fn resolved_namespace<'n>(resolved: &ResolveResult<'n>) -> Option<&'n str> {
    match resolved {
        ResolveResult::Bound(ns) => Some(ns.0),
        _ => None,
    }
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

fn xml_error(error: quick_xml::Error, line: u32, open: Option<&String>) -> Problem {
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
        ) => Reason::Truncated(open.cloned().unwrap_or_else(|| "Document".into())),
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(name)) => {
            Reason::Truncated(name.clone())
        }
        _ => Reason::MalformedXml(error.to_string()),
    };
    Problem::at(line, reason)
}

/// Turns byte offsets into 1-based line numbers, counting each newline once for a forward walk.
#[derive(Default)]
struct Lines {
    offset: usize,
    line: u32,
}

impl Lines {
    fn line_at(&mut self, input: &[u8], offset: usize) -> u32 {
        let offset = offset.min(input.len());
        if offset < self.offset {
            *self = Lines::default();
        }
        let newlines = input[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines as u32;
        self.offset = offset;
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_newlines_before_an_offset() {
        let input = b"a\nb\n\nc";
        let mut lines = Lines::default();
        assert_eq!(lines.line_at(input, 0), 1);
        assert_eq!(lines.line_at(input, 2), 2);
        assert_eq!(lines.line_at(input, 5), 4);
        // Going back restarts the count rather than giving a wrong line.
        assert_eq!(lines.line_at(input, 1), 1);
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
