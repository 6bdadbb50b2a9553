//! The kinds the cluster knows: their group, version, resource names and
//! scope, and whether the simulation gives them behaviour.
//!
//! One table, [`for_each_kind!`], lists every stored kind with its
//! `k8s-openapi` type; [`Kind`] and [`crate::api::Object`] are generated from it.

/// Calls `$m!` with the table of stored kinds:
/// `Variant => Type, [short names], Scope, Behaviour`.
macro_rules! for_each_kind {
    ($m:ident) => {
        $m! {
            Pod => k8s_openapi::api::core::v1::Pod, ["po"], Namespaced, Simulated;
            ReplicaSet => k8s_openapi::api::apps::v1::ReplicaSet, ["rs"], Namespaced, Simulated;
            Deployment => k8s_openapi::api::apps::v1::Deployment, ["deploy"], Namespaced, Simulated;
            Service => k8s_openapi::api::core::v1::Service, ["svc"], Namespaced, Simulated;
            Endpoints => k8s_openapi::api::core::v1::Endpoints, ["ep"], Namespaced, Simulated;
            EndpointSlice => k8s_openapi::api::discovery::v1::EndpointSlice, [], Namespaced, Simulated;
            Node => k8s_openapi::api::core::v1::Node, ["no"], Cluster, Simulated;
            Namespace => k8s_openapi::api::core::v1::Namespace, ["ns"], Cluster, Simulated;
            Event => k8s_openapi::api::core::v1::Event, ["ev"], Namespaced, Simulated;
            ConfigMap => k8s_openapi::api::core::v1::ConfigMap, ["cm"], Namespaced, Simulated;
            Secret => k8s_openapi::api::core::v1::Secret, [], Namespaced, Simulated;
            ServiceAccount => k8s_openapi::api::core::v1::ServiceAccount, ["sa"], Namespaced, Stored;
            PersistentVolumeClaim => k8s_openapi::api::core::v1::PersistentVolumeClaim, ["pvc"], Namespaced, Stored;
            Role => k8s_openapi::api::rbac::v1::Role, [], Namespaced, Stored;
            RoleBinding => k8s_openapi::api::rbac::v1::RoleBinding, [], Namespaced, Stored;
            ClusterRole => k8s_openapi::api::rbac::v1::ClusterRole, [], Cluster, Stored;
            ClusterRoleBinding => k8s_openapi::api::rbac::v1::ClusterRoleBinding, [], Cluster, Stored;
            Ingress => k8s_openapi::api::networking::v1::Ingress, ["ing"], Namespaced, Stored;
            NetworkPolicy => k8s_openapi::api::networking::v1::NetworkPolicy, ["netpol"], Namespaced, Stored;
        }
    };
}
pub(crate) use for_each_kind;

/// Whether a kind lives in a namespace or across the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Lives inside a namespace.
    Namespaced,
    /// One per cluster.
    Cluster,
}

/// What the simulation does with objects of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// Controllers, the scheduler or the kubelets act on it.
    Simulated,
    /// Stored and served only, as a real cluster does when no add-on acts on it.
    Stored,
}

macro_rules! define_kind {
    ($($variant:ident => $ty:path, [$($short:literal),*], $scope:ident, $behaviour:ident;)*) => {
        /// A kind the cluster stores.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant,
            )*
        }

        impl Kind {
            /// Every stored kind, in the order of the table.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kind's name, as in `kind:` (`Deployment`).
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as k8s_openapi::Resource>::KIND),* }
            }

            /// The API group; empty for the core group.
            pub fn group(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as k8s_openapi::Resource>::GROUP),* }
            }

            /// The version within the group (`v1`).
            pub fn version(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as k8s_openapi::Resource>::VERSION),* }
            }

            /// The `apiVersion` string (`apps/v1`, or `v1` for the core group).
            pub fn api_version(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as k8s_openapi::Resource>::API_VERSION),* }
            }

            /// The resource's plural name, as in URLs (`deployments`).
            pub fn plural(self) -> &'static str {
                match self { $(Kind::$variant => <$ty as k8s_openapi::Resource>::URL_PATH_SEGMENT),* }
            }

            /// kubectl's short names (`deploy`).
            pub fn short_names(self) -> &'static [&'static str] {
                match self { $(Kind::$variant => &[$($short),*]),* }
            }

            /// Namespaced or cluster-wide.
            pub fn scope(self) -> Scope {
                match self { $(Kind::$variant => Scope::$scope),* }
            }

            /// Whether the simulation acts on it or only stores it.
            pub fn behaviour(self) -> Behaviour {
                match self { $(Kind::$variant => Behaviour::$behaviour),* }
            }
        }
    };
}
for_each_kind!(define_kind);

/// Built-in kinds a real cluster has, whose controllers Sunaba does not simulate yet.
pub const NOT_YET_SIMULATED: &[(&str, &str)] = &[
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "ControllerRevision"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("v1", "PersistentVolume"),
    ("v1", "ReplicationController"),
    ("v1", "ResourceQuota"),
    ("v1", "LimitRange"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
];

/// How a `(apiVersion, kind)` pair from a manifest resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindLookup {
    /// A kind the cluster stores.
    Known(Kind),
    /// A real built-in kind whose controller is not simulated.
    NotSimulated,
    /// No such kind in that version.
    Unknown,
}

impl Kind {
    /// Resolves a manifest's `apiVersion` and `kind`.
    pub fn lookup(api_version: &str, kind: &str) -> KindLookup {
        if let Some(known) = Kind::ALL
            .iter()
            .find(|k| k.api_version() == api_version && k.name() == kind)
        {
            return KindLookup::Known(*known);
        }
        if NOT_YET_SIMULATED.contains(&(api_version, kind)) {
            KindLookup::NotSimulated
        } else {
            KindLookup::Unknown
        }
    }

    /// Resolves a kubectl resource argument: plural, singular, short name or
    /// kind, optionally qualified by group (`deployments.apps`), case-insensitively.
    pub fn from_resource_arg(arg: &str) -> Option<Kind> {
        let arg = arg.to_ascii_lowercase();
        let (name, group) = match arg.split_once('.') {
            Some((name, group)) => (name.to_string(), Some(group.to_string())),
            None => (arg, None),
        };
        Kind::ALL.iter().copied().find(|kind| {
            let names_match = kind.plural() == name
                || kind.singular() == name
                || kind.short_names().contains(&name.as_str());
            let group_matches = group.as_deref().is_none_or(|g| {
                g == kind.group() || g == format!("{}.{}", kind.version(), kind.group())
            });
            names_match && group_matches
        })
    }

    /// The lower-case singular name (`deployment`).
    pub fn singular(self) -> String {
        self.name().to_ascii_lowercase()
    }

    /// The resource name qualified by group, as in API errors: `pods`, `deployments.apps`.
    pub fn qualified_plural(self) -> String {
        match self.group() {
            "" => self.plural().to_string(),
            group => format!("{}.{group}", self.plural()),
        }
    }

    /// The kind qualified by group, lower-case, as kubectl prefixes names:
    /// `pod`, `deployment.apps`.
    pub fn qualified_singular(self) -> String {
        match self.group() {
            "" => self.singular(),
            group => format!("{}.{group}", self.singular()),
        }
    }

    /// True for kinds that live in a namespace.
    pub fn is_namespaced(self) -> bool {
        self.scope() == Scope::Namespaced
    }
}

/// The names of the kinds the simulation acts on, for error messages.
pub fn simulated_kind_names() -> Vec<&'static str> {
    Kind::ALL
        .iter()
        .filter(|k| k.behaviour() == Behaviour::Simulated)
        .map(|k| k.name())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_arguments_resolve_like_kubectl() {
        assert_eq!(Kind::from_resource_arg("po"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_arg("Pods"), Some(Kind::Pod));
        assert_eq!(Kind::from_resource_arg("deploy"), Some(Kind::Deployment));
        assert_eq!(
            Kind::from_resource_arg("deployments.apps"),
            Some(Kind::Deployment)
        );
        assert_eq!(
            Kind::from_resource_arg("deployment.v1.apps"),
            Some(Kind::Deployment)
        );
        assert_eq!(
            Kind::from_resource_arg("replicaset"),
            Some(Kind::ReplicaSet)
        );
        assert_eq!(Kind::from_resource_arg("svc"), Some(Kind::Service));
        assert_eq!(
            Kind::from_resource_arg("endpointslices"),
            Some(Kind::EndpointSlice)
        );
        assert_eq!(Kind::from_resource_arg("pods.apps"), None);
        assert_eq!(Kind::from_resource_arg("foo"), None);
    }

    #[test]
    fn names_are_qualified_by_group() {
        assert_eq!(Kind::Deployment.qualified_plural(), "deployments.apps");
        assert_eq!(Kind::Pod.qualified_plural(), "pods");
        assert_eq!(Kind::ReplicaSet.qualified_singular(), "replicaset.apps");
        assert_eq!(Kind::Deployment.api_version(), "apps/v1");
    }

    #[test]
    fn lookup_tells_known_unsimulated_and_unknown_apart() {
        assert_eq!(Kind::lookup("v1", "Pod"), KindLookup::Known(Kind::Pod));
        assert_eq!(
            Kind::lookup("apps/v1", "StatefulSet"),
            KindLookup::NotSimulated
        );
        assert_eq!(Kind::lookup("v1", "Deployment"), KindLookup::Unknown);
        assert_eq!(Kind::lookup("v1", "Foo"), KindLookup::Unknown);
    }
}
