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
                 application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
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
        json_response(code, &self.to_value())
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
    fn unknown_paths_are_not_found() {
        let error = ApiError::no_such_path();
        assert_eq!(error.code(), 404);
        assert_eq!(
            error.message(),
            "the server could not find the requested resource"
        );
    }
}
