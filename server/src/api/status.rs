//! Errors to HTTP, in one place: every failure the API sends is a `Status`
//! object (`kind: Status`, `status: Failure`, a reason and a code) with the
//! matching HTTP status, so kubectl prints `Error from server (NotFound): …`
//! exactly as against a real API server.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Status, StatusCause, StatusDetails};
use serde_json::Value;
use sunaba_core::api::StatusError;

use crate::cluster::Stopped;

/// A failed API request: the `Status` to send.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    status: Box<Status>,
}

impl ApiError {
    /// A Failure with this code, reason and message.
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Self {
            status: Box::new(Status {
                code: Some(i32::from(code)),
                message: Some(message.into()),
                reason: Some(reason.to_string()).filter(|r| !r.is_empty()),
                status: Some("Failure".into()),
                ..Status::default()
            }),
        }
    }

    /// 404 for a path that names no resource: `the server could not find the requested resource`.
    pub fn no_such_path() -> Self {
        let mut error = Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
        error.status.details = Some(StatusDetails::default());
        error
    }

    /// 400 with a free-form message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 405: the resource does not support this verb.
    pub fn method_not_allowed(verb: &str, resource: &str) -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            format!("{verb} is not supported on resources of kind {resource:?}"),
        )
    }

    /// 415: a PATCH with a Content-Type the server does not apply.
    pub fn unsupported_patch(content_type: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format ({content_type:?}) - accepted media types include: \
                 application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, \
                 application/strategic-merge-patch+json"
            ),
        )
    }

    /// 422 without a kind, as a patch that decodes badly is refused:
    /// kubectl prints `The request is invalid: field: message`.
    pub fn invalid_request(field: &str, message: String) -> Self {
        let mut error = Self::new(
            422,
            "Invalid",
            format!(" {:?} is invalid: {field}: {message}", ""),
        );
        error.status.details = Some(StatusDetails {
            causes: Some(vec![StatusCause {
                field: Some(field.to_string()),
                message: Some(message),
                reason: Some("FieldValueInvalid".into()),
            }]),
            ..StatusDetails::default()
        });
        error
    }

    /// 401, as the API server refuses a request whose credentials it does
    /// not know: kubectl prints `error: You must be logged in to the server (Unauthorized)`.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    /// 403 with `forbidden: <why>`.
    pub fn forbidden(why: &str) -> Self {
        Self::new(403, "Forbidden", format!("forbidden: {why}"))
    }

    /// 413: a body over `limit` bytes, in the API server's words.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {limit}"),
        )
    }

    /// 429 with a `Retry-After` of one second, as the API server's
    /// max-in-flight filter answers when it is full.
    pub fn too_many_requests() -> Self {
        let mut error = Self::new(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.",
        );
        error.status.details = Some(StatusDetails {
            retry_after_seconds: Some(1),
            ..StatusDetails::default()
        });
        error
    }

    /// 500: the simulated cluster failed while handling the request.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        self.status
            .code
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(500)
    }

    /// The human message.
    pub fn message(&self) -> &str {
        self.status.message.as_deref().unwrap_or("")
    }

    /// The machine-readable reason, or empty.
    pub fn reason(&self) -> &str {
        self.status.reason.as_deref().unwrap_or("")
    }

    /// The seconds the client should wait before it tries again, if any.
    pub fn retry_after_seconds(&self) -> Option<i32> {
        self.status
            .details
            .as_ref()
            .and_then(|d| d.retry_after_seconds)
            .filter(|&s| s > 0)
    }

    /// The Status object as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self.status.as_ref()).unwrap_or(Value::Null)
    }
}

impl From<StatusError> for ApiError {
    fn from(error: StatusError) -> Self {
        Self {
            status: Box::new(error.status().clone()),
        }
    }
}

impl From<Stopped> for ApiError {
    fn from(error: Stopped) -> Self {
        Self::internal(format!("{error}: the request could not be completed"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_response(code, &self.to_value());
        if let Some(seconds) = self.retry_after_seconds() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A JSON body with this status.
pub fn json_response(code: StatusCode, body: &Value) -> Response {
    (
        code,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// The `Status` a successful delete returns when it does not return the object.
pub fn success(name: &str, group: &str, resource: &str, uid: &str) -> Value {
    serde_json::json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {
            "name": name,
            "group": group,
            "kind": resource,
            "uid": uid,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::api::Kind;

    #[test]
    fn core_errors_keep_their_code_reason_and_details() {
        let error = ApiError::from(StatusError::not_found(Kind::Deployment, "echo"));
        assert_eq!(error.code(), 404);
        let body = error.to_value();
        assert_eq!(body["kind"], "Status");
        assert_eq!(body["apiVersion"], "v1");
        assert_eq!(body["status"], "Failure");
        assert_eq!(body["reason"], "NotFound");
        assert_eq!(body["message"], r#"deployments.apps "echo" not found"#);
        assert_eq!(body["details"]["group"], "apps");
        assert_eq!(body["details"]["kind"], "deployments");
    }

    #[test]
    fn refusals_are_statuses_in_the_api_servers_words() {
        let body = ApiError::unauthorized().to_value();
        assert_eq!(body["kind"], "Status");
        assert_eq!(body["reason"], "Unauthorized");
        assert_eq!(body["message"], "Unauthorized");
        assert_eq!(body["code"], 401);
        let too_large = ApiError::too_large(3 * 1024 * 1024);
        assert_eq!(
            too_large.message(),
            "Request entity too large: limit is 3145728"
        );
        assert_eq!(too_large.reason(), "RequestEntityTooLarge");
    }

    #[test]
    fn too_many_requests_asks_to_retry_after_a_second() {
        let error = ApiError::too_many_requests();
        let response = error.clone().into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from_static("1"))
        );
        assert_eq!(error.to_value()["details"]["retryAfterSeconds"], 1);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        let error = ApiError::no_such_path();
        assert_eq!(error.code(), 404);
        assert_eq!(
            error.message(),
            "the server could not find the requested resource"
        );
    }
}
