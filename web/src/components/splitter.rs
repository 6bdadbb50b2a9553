//! A splitter between panels: a separator that the keyboard moves (arrow
//! keys by 5%, Home and End to the limits) and the mouse drags. Its value is
//! the share, in percent, of the panels before it.

use web_sys::{KeyboardEvent, PointerEvent};
use yew::prelude::*;

/// Which way the splitter's line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    /// A vertical line between panels side by side.
    Vertical,
    /// A horizontal line between panels one above the other.
    Horizontal,
}

/// A splitter's state and where its changes go.
#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    /// Which way its line runs.
    pub orientation: Orientation,
    /// The share of the panels before it, in percent.
    pub value: u8,
    /// The smallest share.
    pub min: u8,
    /// The largest share.
    pub max: u8,
    /// What it resizes, for screen readers.
    pub label: AttrValue,
    /// Its `data-testid`.
    pub testid: AttrValue,
    /// The panels before it (CSS selector), whose start the drag measures from.
    pub before: AttrValue,
    /// The panels after it (CSS selector), whose end the drag measures to.
    pub after: AttrValue,
    /// A new share.
    pub on_change: Callback<u8>,
}

/// The share a key moves to, if the key moves this splitter.
pub fn keyed_value(orientation: Orientation, key: &str, value: u8, min: u8, max: u8) -> Option<u8> {
    let step = |up: bool| {
        let moved = if up {
            value.saturating_add(5)
        } else {
            value.saturating_sub(5)
        };
        moved.clamp(min, max)
    };
    match (orientation, key) {
        (Orientation::Vertical, "ArrowLeft") | (Orientation::Horizontal, "ArrowUp") => {
            Some(step(false))
        }
        (Orientation::Vertical, "ArrowRight") | (Orientation::Horizontal, "ArrowDown") => {
            Some(step(true))
        }
        (_, "Home") => Some(min),
        (_, "End") => Some(max),
        _ => None,
    }
}

/// A splitter.
#[function_component(Splitter)]
pub fn splitter(props: &SplitterProps) -> Html {
    let dragging = use_state(|| false);
    let onkeydown = {
        let (orientation, value, min, max) = (props.orientation, props.value, props.min, props.max);
        let on_change = props.on_change.clone();
        Callback::from(move |event: KeyboardEvent| {
            if let Some(moved) = keyed_value(orientation, &event.key(), value, min, max) {
                event.prevent_default();
                on_change.emit(moved);
            }
        })
    };
    let onpointerdown = {
        let dragging = dragging.clone();
        Callback::from(move |event: PointerEvent| {
            let target: web_sys::Element = event.target_unchecked_into();
            let _ = target.set_pointer_capture(event.pointer_id());
            dragging.set(true);
        })
    };
    let onpointerup = {
        let dragging = dragging.clone();
        Callback::from(move |_: PointerEvent| dragging.set(false))
    };
    let onpointermove = {
        let dragging = *dragging;
        let (orientation, min, max) = (props.orientation, props.min, props.max);
        let (before, after) = (props.before.clone(), props.after.clone());
        let on_change = props.on_change.clone();
        Callback::from(move |event: PointerEvent| {
            if !dragging {
                return;
            }
            if let Some(share) = dragged_share(orientation, &event, &before, &after) {
                on_change.emit(share.clamp(min, max));
            }
        })
    };
    let (class, aria) = match props.orientation {
        Orientation::Vertical => ("splitter vertical", "vertical"),
        Orientation::Horizontal => ("splitter horizontal", "horizontal"),
    };
    html! {
        <div class={class} role="separator" tabindex="0"
            aria-orientation={aria}
            aria-label={props.label.clone()}
            aria-valuenow={props.value.to_string()}
            aria-valuemin={props.min.to_string()}
            aria-valuemax={props.max.to_string()}
            data-testid={props.testid.clone()}
            {onkeydown} {onpointerdown} {onpointerup} {onpointermove} />
    }
}

/// Where the pointer is between the start of the panels before and the end
/// of those after, in percent.
fn dragged_share(
    orientation: Orientation,
    event: &PointerEvent,
    before: &str,
    after: &str,
) -> Option<u8> {
    let document = gloo::utils::document();
    let first = document
        .query_selector(before)
        .ok()??
        .get_bounding_client_rect();
    let last = document
        .query_selector(after)
        .ok()??
        .get_bounding_client_rect();
    let (start, end, at) = match orientation {
        Orientation::Vertical => (first.left(), last.right(), f64::from(event.client_x())),
        Orientation::Horizontal => (first.top(), last.bottom(), f64::from(event.client_y())),
    };
    let span = end - start;
    (span > 0.0).then(|| ((at - start) / span * 100.0).clamp(0.0, 100.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_move_by_five_within_the_limits_and_home_and_end_jump() {
        let v = Orientation::Vertical;
        assert_eq!(keyed_value(v, "ArrowRight", 50, 20, 80), Some(55));
        assert_eq!(keyed_value(v, "ArrowLeft", 22, 20, 80), Some(20));
        assert_eq!(keyed_value(v, "ArrowUp", 50, 20, 80), None);
        assert_eq!(keyed_value(v, "End", 50, 20, 80), Some(80));
        let h = Orientation::Horizontal;
        assert_eq!(keyed_value(h, "ArrowDown", 78, 20, 80), Some(80));
        assert_eq!(keyed_value(h, "Home", 50, 25, 80), Some(25));
    }
}
