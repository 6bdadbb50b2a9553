//! API errors as the API server returns them: `Status` values with a reason,
//! a code and a message. kubectl prints them as `Error from server (Reason): message`,
//! and the native server turns the same value into an HTTP response.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Status, StatusCause, StatusDetails};

use super::Kind;

/// A failed API call, carrying the `Status` the API server would send.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusError {
    status: Box<Status>,
}

/// One field-level problem in an Invalid error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path, e.g. `spec.selector`.
    pub field: String,
    /// What kind of problem: `FieldValueInvalid`, `FieldValueRequired`, …
    pub reason: &'static str,
    /// The message after the field, e.g. `Required value`.
    pub message: String,
}

impl FieldError {
    /// A required field that is missing: `spec.containers: Required value`.
    pub fn required(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueRequired",
            message: "Required value".into(),
        }
    }

    /// A value that is not allowed: `field: Invalid value: "x": why`.
    pub fn invalid(field: impl Into<String>, value: &str, why: impl AsRef<str>) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueInvalid",
            message: format!("Invalid value: {value}: {}", why.as_ref()),
        }
    }

    /// A value outside a fixed set: `Unsupported value: "x": supported values: "a", "b"`.
    pub fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let supported = supported
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            field: field.into(),
            reason: "FieldValueNotSupported",
            message: format!("Unsupported value: {value:?}: supported values: {supported}"),
        }
    }

    /// A change to a field that may not change.
    pub fn immutable(field: impl Into<String>, value: &str, why: &str) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueInvalid",
            message: format!("Invalid value: {value}: {why}"),
        }
    }

    /// A field that is forbidden in this context.
    pub fn forbidden(field: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueForbidden",
            message: format!("Forbidden: {}", why.into()),
        }
    }

    /// A duplicated entry.
    pub fn duplicate(field: impl Into<String>, value: &str) -> Self {
        Self {
            field: field.into(),
            reason: "FieldValueDuplicate",
            message: format!("Duplicate value: {value}"),
        }
    }

    /// `field: message`, as the API server joins them.
    pub fn to_text(&self) -> String {
        format!("{}: {}", self.field, self.message)
    }
}

impl StatusError {
    fn new(code: i32, reason: &str, message: String, details: Option<StatusDetails>) -> Self {
        Self {
            status: Box::new(Status {
                code: Some(code),
                reason: Some(reason.to_string()).filter(|r| !r.is_empty()),
                message: Some(message),
                status: Some("Failure".into()),
                details,
                ..Status::default()
            }),
        }
    }

    fn details(kind: Kind, name: &str) -> Option<StatusDetails> {
        Some(StatusDetails {
            name: Some(name.to_string()),
            group: Some(kind.group().to_string()).filter(|g| !g.is_empty()),
            kind: Some(kind.plural().to_string()),
            ..StatusDetails::default()
        })
    }

    /// 404: `pods "x" not found`.
    pub fn not_found(kind: Kind, name: &str) -> Self {
        let message = format!("{} {name:?} not found", kind.qualified_plural());
        Self::new(404, "NotFound", message, Self::details(kind, name))
    }

    /// 404 for a namespace that does not exist: `namespaces "x" not found`.
    pub fn namespace_not_found(namespace: &str) -> Self {
        Self::not_found(Kind::Namespace, namespace)
    }

    /// 409: `deployments.apps "x" already exists`.
    pub fn already_exists(kind: Kind, name: &str) -> Self {
        let message = format!("{} {name:?} already exists", kind.qualified_plural());
        Self::new(409, "AlreadyExists", message, Self::details(kind, name))
    }

    /// 409: the object changed since the caller read it.
    pub fn conflict(kind: Kind, name: &str) -> Self {
        let message = format!(
            "Operation cannot be fulfilled on {} {name:?}: the object has been modified; \
             please apply your changes to the latest version and try again",
            kind.qualified_plural()
        );
        Self::new(409, "Conflict", message, Self::details(kind, name))
    }

    /// 409 with a message of its own (e.g. a pod already bound).
    pub fn conflict_message(kind: Kind, name: &str, message: String) -> Self {
        Self::new(409, "Conflict", message, Self::details(kind, name))
    }

    /// 422: `Deployment.apps "x" is invalid: spec.selector: Required value`.
    pub fn invalid(kind: Kind, name: &str, errors: Vec<FieldError>) -> Self {
        let joined = match errors.as_slice() {
            [one] => one.to_text(),
            many => format!(
                "[{}]",
                many.iter()
                    .map(FieldError::to_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        // The server qualifies the kind by group (`Deployment.apps`); kubectl
        // prints `The Deployment "x" is invalid` from the details' kind.
        let qualified = match kind.group() {
            "" => kind.name().to_string(),
            group => format!("{}.{group}", kind.name()),
        };
        let message = format!("{qualified} {name:?} is invalid: {joined}");
        let mut details = Self::details(kind, name).unwrap_or_default();
        details.kind = Some(kind.name().to_string());
        details.causes = Some(
            errors
                .into_iter()
                .map(|e| StatusCause {
                    field: Some(e.field),
                    message: Some(e.message),
                    reason: Some(e.reason.to_string()),
                })
                .collect(),
        );
        Self::new(422, "Invalid", message, Some(details))
    }

    /// 422 without a kind, as the API server refuses a patch that decodes
    /// badly: kubectl prints `The request is invalid: field: message`.
    pub fn invalid_request(field: &str, message: String) -> Self {
        let details = StatusDetails {
            causes: Some(vec![StatusCause {
                field: Some(field.to_string()),
                message: Some(message.clone()),
                reason: Some("FieldValueInvalid".into()),
            }]),
            ..StatusDetails::default()
        };
        let text = format!(" {:?} is invalid: {field}: {message}", "");
        Self::new(422, "Invalid", text, Some(details))
    }

    /// 422 with a free-form message (a patch that cannot apply).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message.into(), None)
    }

    /// 400 with a free-form message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message.into(), None)
    }

    /// 403 with a free-form message.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message.into(), None)
    }

    /// 403 for one object, as `NewForbidden` words it:
    /// `pods "x" is forbidden: <why>`, with the object in the details.
    pub fn forbidden_object(kind: Kind, name: &str, why: &str) -> Self {
        let message = match name {
            "" => format!("{} is forbidden: {why}", kind.qualified_plural()),
            name => format!("{} {name:?} is forbidden: {why}", kind.qualified_plural()),
        };
        Self::new(403, "Forbidden", message, Self::details(kind, name))
    }

    /// 413: a request body over the API server's limit.
    pub fn request_entity_too_large(limit: usize) -> Self {
        Self::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {limit}"),
            None,
        )
    }

    /// 405: the kind cannot be served.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message.into(), None)
    }

    /// The machine-readable reason (`NotFound`), or empty.
    pub fn reason(&self) -> &str {
        self.status.reason.as_deref().unwrap_or("")
    }

    /// The HTTP status code.
    pub fn code(&self) -> i32 {
        self.status.code.unwrap_or(500)
    }

    /// The human message.
    pub fn message(&self) -> &str {
        self.status.message.as_deref().unwrap_or("")
    }

    /// The field causes of an Invalid error.
    pub fn causes(&self) -> &[StatusCause] {
        self.status
            .details
            .as_ref()
            .and_then(|d| d.causes.as_deref())
            .unwrap_or(&[])
    }

    /// The whole `Status` object.
    pub fn status(&self) -> &Status {
        &self.status
    }
}

impl std::fmt::Display for StatusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for StatusError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_like_the_api_server() {
        assert_eq!(
            StatusError::not_found(Kind::Deployment, "echo").message(),
            r#"deployments.apps "echo" not found"#
        );
        assert_eq!(StatusError::not_found(Kind::Pod, "x").reason(), "NotFound");
        let invalid = StatusError::invalid(
            Kind::Deployment,
            "echo",
            vec![FieldError::required("spec.selector")],
        );
        assert_eq!(
            invalid.message(),
            r#"Deployment.apps "echo" is invalid: spec.selector: Required value"#
        );
        assert_eq!(invalid.code(), 422);
    }

    #[test]
    fn forbidden_objects_are_named_as_new_forbidden_names_them() {
        let err = StatusError::forbidden_object(Kind::Pod, "x", "violates PodSecurity");
        assert_eq!(
            err.message(),
            r#"pods "x" is forbidden: violates PodSecurity"#
        );
        assert_eq!((err.code(), err.reason()), (403, "Forbidden"));
        let details = err.status().details.clone().unwrap_or_default();
        assert_eq!(details.kind.as_deref(), Some("pods"));
        assert_eq!(details.name.as_deref(), Some("x"));
        assert_eq!(
            StatusError::forbidden_object(Kind::Deployment, "", "no").message(),
            "deployments.apps is forbidden: no"
        );
    }
}
