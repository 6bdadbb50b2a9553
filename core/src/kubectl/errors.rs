//! How kubectl prints errors: `Error from server (Reason): …` for API
//! errors, with `error when creating "f.yaml": ` when a file is involved,
//! Invalid errors as `The Kind "name" is invalid: …`, and `error: …` for
//! its own.

use crate::api::StatusError;

/// The operation an error happened in, for `error when <verb> "<file>": `.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// Creating.
    Creating,
    /// Patching (apply to an existing object).
    Patching,
    /// Deleting.
    Deleting,
    /// Retrieving current configuration.
    Retrieving,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Creating => "creating",
            Verb::Patching => "patching",
            Verb::Deleting => "deleting",
            Verb::Retrieving => "retrieving current configuration of",
        }
    }
}

/// Formats an API error the way kubectl's `CheckErr` prints it.
pub fn format_status(err: &StatusError, source: Option<(Verb, &str)>) -> String {
    if err.reason() == "Invalid" {
        return format_invalid(err);
    }
    let context = source
        .map(|(verb, file)| format!("error when {} \"{file}\": ", verb.as_str()))
        .unwrap_or_default();
    match err.reason() {
        "" => format!("Error from server: {context}{}", err.message()),
        reason => format!("Error from server ({reason}): {context}{}", err.message()),
    }
}

/// `The Deployment "echo" is invalid: spec.selector: Required value`, or one
/// `* ` line per cause; without details, `The request is invalid: <message>`.
fn format_invalid(err: &StatusError) -> String {
    let causes = err.causes();
    let Some(details) = err.status().details.as_ref() else {
        return format!("The request is invalid: {}", err.message());
    };
    let details = Some(details);
    let head = match details.and_then(|d| d.kind.as_deref().zip(d.name.as_deref())) {
        Some((kind, name)) => format!("{kind} {name:?}"),
        None => "request".to_string(),
    };
    match causes {
        [] => err.message().to_string(),
        [one] => format!(
            "The {head} is invalid: {}: {}",
            one.field.as_deref().unwrap_or(""),
            one.message.as_deref().unwrap_or("")
        ),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|c| {
                    format!(
                        "* {}: {}",
                        c.field.as_deref().unwrap_or(""),
                        c.message.as_deref().unwrap_or("")
                    )
                })
                .collect();
            format!("The {head} is invalid: \n{}", lines.join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{FieldError, Kind};

    #[test]
    fn server_errors_carry_their_reason_and_file() {
        let err = StatusError::already_exists(Kind::Deployment, "echo");
        assert_eq!(
            format_status(&err, Some((Verb::Creating, "d.yaml"))),
            r#"Error from server (AlreadyExists): error when creating "d.yaml": deployments.apps "echo" already exists"#
        );
        assert_eq!(
            format_status(&StatusError::not_found(Kind::Pod, "x"), None),
            r#"Error from server (NotFound): pods "x" not found"#
        );
    }

    #[test]
    fn an_invalid_error_without_details_is_the_requests() {
        let err = StatusError::unprocessable("doc is missing path: \"/x\": missing value");
        assert_eq!(
            format_status(&err, None),
            r#"The request is invalid: doc is missing path: "/x": missing value"#
        );
    }

    #[test]
    fn invalid_errors_list_their_causes() {
        let one = StatusError::invalid(
            Kind::Deployment,
            "echo",
            vec![FieldError::required("spec.selector")],
        );
        assert_eq!(
            format_status(&one, None),
            r#"The Deployment "echo" is invalid: spec.selector: Required value"#
        );
        let two = StatusError::invalid(
            Kind::Pod,
            "p",
            vec![
                FieldError::required("spec.containers[0].image"),
                FieldError::required("spec.containers[0].name"),
            ],
        );
        assert_eq!(
            format_status(&two, None),
            "The Pod \"p\" is invalid: \n* spec.containers[0].image: Required value\n* spec.containers[0].name: Required value"
        );
    }
}
