//! Resource paths, as the API server routes them:
//! `/api/v1/namespaces/{ns}/pods/{name}/log`, `/apis/apps/v1/deployments`,
//! `/api/v1/nodes/{name}`, `/api/v1/namespaces/{name}/status`.

use sunaba_core::api::Kind;

use super::status::ApiError;

/// What a resource path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The kind of the resource.
    pub kind: Kind,
    /// The namespace in the path; `None` for cluster-scoped kinds and for
    /// lists across all namespaces.
    pub namespace: Option<String>,
    /// The object's name; `None` for the collection.
    pub name: Option<String>,
    /// The subresource (`status`, `scale`, `log`), if any.
    pub subresource: Option<String>,
}

impl Target {
    /// The namespace for the store: the path's, or empty.
    pub fn namespace_or_empty(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }

    /// The object's name, or empty for a collection.
    pub fn name_or_empty(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }
}

/// Subresources of a namespace itself, not collections inside it.
const NAMESPACE_SUBRESOURCES: [&str; 2] = ["status", "finalize"];

/// Parses the part of a path after `/api/v1/` or `/apis/{group}/{version}/`.
pub fn parse(group: &str, version: &str, rest: &str) -> Result<Target, ApiError> {
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(ApiError::no_such_path());
    }
    let namespaced_collection = segments.len() >= 3
        && segments[0] == "namespaces"
        && !(segments.len() == 3 && NAMESPACE_SUBRESOURCES.contains(&segments[2]));
    let (namespace, resource, name, subresource) = if namespaced_collection {
        (
            Some(segments[1]),
            segments[2],
            segments.get(3).copied(),
            segments.get(4).copied(),
        )
    } else {
        (
            None,
            segments[0],
            segments.get(1).copied(),
            segments.get(2).copied(),
        )
    };
    let extra = if namespaced_collection { 5 } else { 3 };
    if segments.len() > extra {
        return Err(ApiError::no_such_path());
    }
    let kind = resolve(group, version, resource).ok_or_else(ApiError::no_such_path)?;
    if namespace.is_some() != kind.is_namespaced() && (namespace.is_some() || name.is_some()) {
        return Err(ApiError::no_such_path());
    }
    Ok(Target {
        kind,
        namespace: namespace.map(str::to_string),
        name: name.map(str::to_string),
        subresource: subresource.map(str::to_string),
    })
}

/// The stored kind served at this group, version and plural resource name.
pub fn resolve(group: &str, version: &str, resource: &str) -> Option<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.group() == group && k.version() == version && k.plural() == resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(kind: Kind, ns: Option<&str>, name: Option<&str>, sub: Option<&str>) -> Target {
        Target {
            kind,
            namespace: ns.map(str::to_string),
            name: name.map(str::to_string),
            subresource: sub.map(str::to_string),
        }
    }

    #[test]
    fn namespaced_paths_name_their_namespace() {
        assert_eq!(
            parse("", "v1", "namespaces/default/pods/echo/log"),
            Ok(target(
                Kind::Pod,
                Some("default"),
                Some("echo"),
                Some("log")
            ))
        );
        assert_eq!(
            parse("apps", "v1", "namespaces/default/deployments"),
            Ok(target(Kind::Deployment, Some("default"), None, None))
        );
        assert_eq!(
            parse("", "v1", "pods"),
            Ok(target(Kind::Pod, None, None, None))
        );
    }

    #[test]
    fn namespaces_and_cluster_kinds_are_named_directly() {
        assert_eq!(
            parse("", "v1", "namespaces/default"),
            Ok(target(Kind::Namespace, None, Some("default"), None))
        );
        assert_eq!(
            parse("", "v1", "namespaces/default/status"),
            Ok(target(
                Kind::Namespace,
                None,
                Some("default"),
                Some("status")
            ))
        );
        assert_eq!(
            parse("", "v1", "nodes/sunaba-worker"),
            Ok(target(Kind::Node, None, Some("sunaba-worker"), None))
        );
    }

    #[test]
    fn wrong_groups_scopes_and_shapes_are_not_found() {
        for (group, rest) in [
            ("", "deployments"),
            ("apps", "pods"),
            ("", "namespaces/default/nodes"),
            ("", "pods/echo"),
            ("", "namespaces/default/pods/echo/log/extra"),
            ("", "namespaces//pods"),
        ] {
            assert_eq!(
                parse(group, "v1", rest).map_err(|e| e.code()),
                Err(404),
                "{rest}"
            );
        }
    }
}
