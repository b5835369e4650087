//! The OpenAPI document cannot drift from the code: it is what `ap-openapi` writes from the
//! types, its references resolve, and its operations are exactly the Worker's integration
//! routes (read from `functions/src/lib.rs` with `syn`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use syn::{Expr, Item, Pat, Stmt};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_served_document_is_the_one_written_from_the_types() {
    let served = std::fs::read_to_string(root().join(ap_openapi::SERVED_PATH)).unwrap();
    assert!(
        served == ap_openapi::document_text(),
        "{} is not what the types say: run `cargo run -p ap-openapi` and commit the result",
        ap_openapi::SERVED_PATH
    );
}

fn refs(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.insert(target.clone());
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

fn pointer<'a>(doc: &'a Value, target: &str) -> Option<&'a Value> {
    doc.pointer(target.strip_prefix('#')?)
}

#[test]
fn every_reference_resolves_and_every_schema_is_used() {
    let doc = ap_openapi::document();
    let mut all = BTreeSet::new();
    refs(&doc, &mut all);
    for target in &all {
        assert!(pointer(&doc, target).is_some(), "{target} names nothing");
    }
    // Reachable from the operations and the webhooks, following references through the
    // components.
    let mut reached = BTreeSet::new();
    refs(&doc["paths"], &mut reached);
    refs(&doc["webhooks"], &mut reached);
    loop {
        let mut next = reached.clone();
        for target in &reached {
            refs(pointer(&doc, target).unwrap(), &mut next);
        }
        if next == reached {
            break;
        }
        reached = next;
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.len() >= 15, "the types are generated");
    for name in schemas.keys() {
        let target = format!("#/components/schemas/{name}");
        assert!(reached.contains(&target), "{name} is in no operation");
    }
    assert_eq!(doc["openapi"], "3.1.0");
}

/// One route: its method and its path segments, `None` where the route takes any value.
type Route = (String, Vec<Option<String>>);

/// The arms of `integration_api`'s match that serve a method (not the 405s or the fall-through).
fn worker_routes() -> Vec<Route> {
    let source = std::fs::read_to_string(root().join("functions/src/lib.rs")).unwrap();
    let file = syn::parse_file(&source).unwrap();
    let function = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Fn(f) if f.sig.ident == "integration_api" => Some(f),
            _ => None,
        })
        .expect("functions/src/lib.rs has fn integration_api");
    let matched = function
        .block
        .stmts
        .iter()
        .find_map(|stmt| match stmt {
            Stmt::Expr(Expr::Match(m), _) => Some(m),
            _ => None,
        })
        .expect("integration_api is one match");
    let mut routes = Vec::new();
    for arm in &matched.arms {
        let Pat::Tuple(tuple) = &arm.pat else {
            panic!("an arm of integration_api is not (method, [segments])")
        };
        let (Some(method), Some(Pat::Slice(slice))) = (tuple.elems.first(), tuple.elems.get(1))
        else {
            continue; // the fall-through to the SPA's routes
        };
        let method = match method {
            Pat::Ident(i)
                if ["Get", "Post", "Put", "Patch", "Delete"].contains(&&*i.ident.to_string()) =>
            {
                i.ident.to_string().to_uppercase()
            }
            _ => continue, // `_`: the 405 of that path
        };
        let segments = slice
            .elems
            .iter()
            .map(|p| match p {
                Pat::Lit(l) => match &l.lit {
                    syn::Lit::Str(s) => Some(s.value()),
                    _ => panic!("a path segment that is not a string"),
                },
                Pat::Ident(_) | Pat::Wild(_) => None,
                _ => panic!("a path pattern this test does not read"),
            })
            .collect();
        routes.push((method, segments));
    }
    routes
}

fn document_operations() -> Vec<(String, String)> {
    let doc = ap_openapi::document();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

fn serves(route: &Route, method: &str, path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    route.0 == method
        && route.1.len() == parts.len()
        && route.1.iter().zip(&parts).all(|(want, part)| match want {
            Some(literal) => literal == part,
            None => true,
        })
}

#[test]
fn the_document_describes_exactly_the_integration_routes() {
    let routes = worker_routes();
    let operations = document_operations();
    assert!(routes.len() >= 8, "the routes were read: {routes:?}");
    for (method, path) in &operations {
        let serving: Vec<_> = routes.iter().filter(|r| serves(r, method, path)).collect();
        assert_eq!(
            serving.len(),
            1,
            "{method} {path} is in the document but the Worker's integration_api serves it {} times",
            serving.len()
        );
    }
    for route in &routes {
        assert!(
            operations.iter().any(|(m, p)| serves(route, m, p)),
            "the Worker serves {} /{} but the OpenAPI document has no such operation",
            route.0,
            route
                .1
                .iter()
                .map(|s| s.as_deref().unwrap_or("{…}"))
                .collect::<Vec<_>>()
                .join("/")
        );
    }
}
