//! What answers when no route matched: 405 with `Allow` when the path exists under other methods,
//! 404 otherwise. The table of paths comes from the OpenAPI document, which lists every route.

use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use utoipa::openapi::OpenApi;

pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl RouteTable {
    pub fn from_openapi(api: &OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_string)
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods served at `path`, if the path is known at all.
    pub fn methods(&self, path: &str) -> Option<Vec<&'static str>> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut found: Vec<&'static str> = Vec::new();
        for (segments, methods) in &self.routes {
            let matches = segments.len() == wanted.len()
                && segments
                    .iter()
                    .zip(&wanted)
                    .all(|(s, w)| (s.starts_with('{') && !w.is_empty()) || s == w);
            if matches {
                found.extend(methods);
            }
        }
        (!found.is_empty()).then_some(found)
    }
}

pub async fn not_matched(req: HttpRequest, table: Option<Data<RouteTable>>) -> HttpResponse {
    match table.and_then(|t| t.methods(req.path())) {
        Some(methods) => HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, methods.join(", ")))
            .finish(),
        None => HttpResponse::NotFound().finish(),
    }
}
