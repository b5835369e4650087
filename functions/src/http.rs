//! Small helpers shared by handlers: reading bounded bodies, typed JSON, cookies, the clock and
//! random bytes. Handlers never touch `Date::now` or the CSPRNG directly.

use ap_core::format::Lang;
use ap_core::listing::{cursor_key, page_cursor, page_limit, PageKey};
use futures_util::StreamExt;
use serde::{de::DeserializeOwned, Serialize};
use worker::{Headers, Request, Response, ResponseBody};

use crate::problem::{ApiError, BadBody, BadQuery};

/// Largest JSON body any session endpoint accepts.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// A JSON answer with the given status; never cached (answers carry private data).
pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(|e| ApiError::internal("serialize", e))?;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(headers))
}

/// A JSON answer with its sentences for people in `lang` (`ap_core::messages::localize_json`:
/// readiness reasons, warnings, history details, status labels, with amounts and days as the
/// language writes them) and `Content-Language` saying so. Other answers (files, PDFs, empty)
/// pass unchanged; so does a JSON answer that holds no sentence.
pub fn localize(response: Response, lang: Lang) -> Response {
    let is_json = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t == "application/json");
    let ResponseBody::Body(bytes) = response.body() else {
        return response;
    };
    if !is_json {
        return response;
    }
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return response;
    };
    if !ap_core::messages::localize_json(&mut value, lang) {
        let _ = response.headers().set("content-language", lang.tag());
        return response;
    }
    let status = response.status_code();
    let headers = response.headers().clone();
    let _ = headers.set("content-language", lang.tag());
    match serde_json::to_vec(&value).map(Response::from_bytes) {
        Ok(Ok(localized)) => localized.with_status(status).with_headers(headers),
        _ => response,
    }
}

/// 204 No Content.
pub fn no_content() -> Result<Response, ApiError> {
    Ok(Response::empty()?.with_status(204))
}

/// Reads the body, refusing more than `limit` bytes before reading them all when the client
/// declares a length, and while streaming when it does not.
pub async fn read_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    if let Some(len) = req.headers().get("content-length")? {
        match len.trim().parse::<usize>() {
            Ok(n) if n > limit => return Err(BadBody::TooLarge { limit }.into()),
            Ok(_) => {}
            Err(_) => return Err(BadBody::LengthNotANumber.into()),
        }
    }
    let mut body = Vec::new();
    let Ok(mut stream) = req.stream() else {
        return Ok(body); // no body at all
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BadBody::Unreadable)?;
        if body.len() + chunk.len() > limit {
            return Err(BadBody::TooLarge { limit }.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a JSON body: the content type must be JSON, the size bounded, the shape right. A
/// shape error names the field the way serde saw it, in a sentence.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, ApiError> {
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        return Err(BadBody::NotJson.into());
    }
    let body = read_body(req, MAX_JSON_BYTES).await?;
    parse_json(&body)
}

/// Parses JSON bytes into `T`, turning serde's message into a problem naming the place.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof => BadBody::Syntax {
                line: e.line(),
                column: e.column(),
            }
            .into(),
            _ => {
                let msg = e.to_string();
                let field = msg
                    .split('`')
                    .nth(1)
                    .filter(|_| msg.contains("field"))
                    .unwrap_or("body")
                    .to_owned();
                let message = msg.split(" at line").next().unwrap_or(&msg).to_owned();
                BadBody::Shape { field, message }.into()
            }
        }
    })
}

/// The value of cookie `name` in the request, if any.
/// The query parameter `name`, `None` when absent or empty. Given more than once it is refused
/// (400): which value counts would be a guess, and a proxy in front could guess otherwise.
pub fn query_param(req: &Request, name: &str) -> Result<Option<String>, ApiError> {
    let url = req.url()?;
    let mut values = url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v);
    let first = values.next();
    if values.next().is_some() {
        return Err(BadQuery::Repeated(name.to_owned()).into());
    }
    Ok(first.map(|v| v.into_owned()).filter(|v| !v.is_empty()))
}

/// `?limit=` and `?cursor=` of a paged list, bounded by `ap_core::listing`; 400 naming the field
/// when either is not one the list accepts.
pub fn page_params(req: &Request) -> Result<(usize, Option<String>), ApiError> {
    let limit = page_limit(query_param(req, "limit")?.as_deref()).ok_or(BadQuery::Limit)?;
    let cursor = page_cursor(query_param(req, "cursor")?.as_deref()).ok_or(BadQuery::Cursor)?;
    Ok((limit, cursor))
}

/// [`page_params`] of a list whose rows have a [`PageKey`]: the key the cursor names instead of
/// the cursor (400 naming `cursor` when it names none).
pub fn keyed_page_params<K: PageKey>(req: &Request) -> Result<(usize, Option<K>), ApiError> {
    let (limit, cursor) = page_params(req)?;
    let after = match cursor {
        None => None,
        Some(c) => Some(K::from_cursor(&c).ok_or(BadQuery::Cursor)?),
    };
    Ok((limit, after))
}

/// [`page_params`] of a list sorted by a text key: the key the cursor names
/// (`ap_core::listing::key_cursor`) instead of the cursor.
pub fn key_page_params(req: &Request) -> Result<(usize, Option<String>), ApiError> {
    let (limit, cursor) = page_params(req)?;
    let after = match cursor {
        None => None,
        Some(c) => Some(cursor_key(&c).ok_or(BadQuery::Cursor)?),
    };
    Ok((limit, after))
}

pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}
