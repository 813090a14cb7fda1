//! List builtins: `length`, `head`, `tail`, `elemAt`, `map`, `filter`, `foldl'`, `genList`,
//! `concatLists`, `concatMap`, `elem`, `any`, `all`, `sort`, `partition`, `groupBy`,
//! `genericClosure`. `map` and `genList` stay lazy in the elements, as in CppNix; `sort` is a
//! stable merge sort whose comparator errors propagate.

use super::{arg_frame, type_err, Builtin};
use crate::error::EvalError;
use crate::eval::symbol::{sym, Symbol};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::Pos;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "length", arity: 1, func: length },
    Builtin { name: "head", arity: 1, func: head },
    Builtin { name: "tail", arity: 1, func: tail },
    Builtin { name: "elemAt", arity: 2, func: elem_at },
    Builtin { name: "map", arity: 2, func: map },
    Builtin { name: "filter", arity: 2, func: filter },
    Builtin { name: "foldl'", arity: 3, func: foldl_strict },
    Builtin { name: "genList", arity: 2, func: gen_list },
    Builtin { name: "concatLists", arity: 1, func: concat_lists },
    Builtin { name: "concatMap", arity: 2, func: concat_map },
    Builtin { name: "elem", arity: 2, func: elem },
    Builtin { name: "any", arity: 2, func: any },
    Builtin { name: "all", arity: 2, func: all },
    Builtin { name: "sort", arity: 2, func: sort },
    Builtin { name: "partition", arity: 2, func: partition },
    Builtin { name: "groupBy", arity: 2, func: group_by },
    Builtin { name: "genericClosure", arity: 1, func: generic_closure },
];

fn length(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let l = ev.arg_list_ref(args, 0, "length")?;
    Ok(Value::Int(l.0.len() as i64))
}

fn head(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let l = ev.arg_list_ref(args, 0, "head")?;
    match l.0.first() {
        Some(t) => ev.force(t),
        None => Err(EvalError::eval("'builtins.head' called on an empty list")),
    }
}

fn tail(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let l = ev.arg_list_ref(args, 0, "tail")?;
    if l.0.is_empty() {
        return Err(EvalError::eval("'builtins.tail' called on an empty list"));
    }
    Ok(Value::list(l.0[1..].to_vec()))
}

fn elem_at(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    // The index is forced before the list, as the reference does.
    let i = ev.arg_int(args, 1, "elemAt")?;
    let l = ev.arg_list_ref(args, 0, "elemAt")?;
    match usize::try_from(i).ok().and_then(|i| l.0.get(i)) {
        Some(t) => match t.peek() {
            Some(v) => Ok(v.clone()),
            None => ev.force(t),
        },
        None => Err(EvalError::eval(format!("'builtins.elemAt' called with index {} on a list of size {}", i, l.0.len()))),
    }
}

fn map(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let l = ev.arg_list_ref(args, 1, "map")?;
    if l.0.is_empty() {
        return ev.force(&args[1]);
    }
    let f = ev.arg_function(args, 0, "map")?;
    Ok(Value::list(apply_each(&f, l.0.iter().cloned())))
}

/// One `f x` thunk per `x`, in order (the elements of `map`, `genList`).
#[inline]
fn apply_each(f: &Value, xs: impl Iterator<Item = Thunk>) -> Vec<Thunk> {
    match f {
        // The common case: the function's variant is known once, not per element.
        Value::Lambda(c) => xs.map(|x| Thunk::new_apply_lambda(c.clone(), x)).collect(),
        _ => xs.map(|x| Thunk::new_apply(f.clone(), x)).collect(),
    }
}

#[inline]
fn call_pred(ev: &mut Evaluator, f: &Value, t: &Thunk, name: &str) -> EvalResult<bool> {
    match ev.call1(f, t.clone())? {
        Value::Bool(b) => Ok(b),
        other => Err(type_err("a Boolean", &other)
            .frame(Pos::NONE, format!("while evaluating the return value of the filtering function passed to builtins.{name}"))),
    }
}

fn filter(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let l = ev.arg_list_ref(args, 1, "filter")?;
    if l.0.is_empty() {
        // Current CppNix does not force the predicate of an empty list.
        return ev.force(&args[1]);
    }
    let f = ev.arg_function(args, 0, "filter")?;
    // The verdicts first (one bit per element), then the result in one exactly sized copy.
    let mut keep = vec![0u64; l.0.len().div_ceil(64)];
    let mut kept = 0;
    for (i, t) in l.0.iter().enumerate() {
        if call_pred(ev, &f, t, "filter")? {
            keep[i / 64] |= 1 << (i % 64);
            kept += 1;
        }
    }
    if kept == l.0.len() {
        return ev.force(&args[1]);
    }
    let mut out = Vec::with_capacity(kept);
    out.extend(l.0.iter().enumerate().filter(|(i, _)| keep[i / 64] & (1 << (i % 64)) != 0).map(|(_, t)| t.clone()));
    Ok(Value::list(out))
}

fn foldl_strict(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = ev.arg_function(args, 0, "foldl'")?;
    let l = ev.arg_list_ref(args, 2, "foldl'")?;
    let mut acc = args[1].clone();
    if l.0.is_empty() {
        return ev.force(&acc);
    }
    for t in l.0.iter() {
        let v = ev.call2(&f, acc, t.clone())?;
        acc = Thunk::Ready(v);
    }
    ev.force(&acc)
}

fn gen_list(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let n = ev.arg_int(args, 1, "genList")?;
    if n < 0 {
        return Err(EvalError::eval(format!("cannot create list of size {}", n)));
    }
    let f = ev.arg_function(args, 0, "genList")?;
    Ok(Value::list(apply_each(&f, (0..n).map(|i| Thunk::Ready(Value::Int(i))))))
}

fn concat_lists(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let l = ev.arg_list_ref(args, 0, "concatLists")?;
    // Force every list first (in order), then copy once into an exactly sized list.
    let mut lists = Vec::with_capacity(l.0.len());
    for t in l.0.iter() {
        lists.push(ev.force_list(t, "while evaluating a value of the list passed to builtins.concatLists")?);
    }
    Ok(join_lists(&lists))
}

/// The concatenation of lists in one exactly sized allocation; a single non-empty list is
/// shared.
fn join_lists(lists: &[std::rc::Rc<List>]) -> Value {
    let mut non_empty = lists.iter().filter(|l| !l.0.is_empty());
    match (non_empty.next(), non_empty.next()) {
        (None, _) => Value::list(Vec::new()),
        (Some(only), None) => Value::List(only.clone()),
        _ => {
            let total = lists.iter().map(|l| l.0.len()).sum();
            let mut out = Vec::with_capacity(total);
            for l in lists {
                out.extend_from_slice(&l.0);
            }
            Value::list(out)
        }
    }
}

fn concat_map(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = ev.arg_function(args, 0, "concatMap")?;
    let l = ev.arg_list_ref(args, 1, "concatMap")?;
    let mut lists = Vec::with_capacity(l.0.len());
    for t in l.0.iter() {
        match ev.call1(&f, t.clone())? {
            Value::List(inner) => lists.push(inner),
            other => {
                return Err(type_err("a list", &other)
                    .frame(Pos::NONE, "while evaluating the return value of the function passed to builtins.concatMap"))
            }
        }
    }
    Ok(join_lists(&lists))
}

fn elem(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    // The list first; the element only when there is something to compare it with.
    let l = ev.arg_list_ref(args, 1, "elem")?;
    if l.0.is_empty() {
        return Ok(Value::Bool(false));
    }
    let x = ev.arg(args, 0, "elem")?;
    if let Value::Int(a) = x {
        // Searching for an integer: elements already computed as integers are compared here,
        // everything else (floats, unforced elements) by the general equality.
        for t in l.0.iter() {
            let equal = match t.peek() {
                Some(Value::Int(b)) => a == *b,
                _ => ev.thunks_equal(&args[0], t)?,
            };
            if equal {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    for t in l.0.iter() {
        // Integers and strings already computed compare without the general equality.
        let quick = match (&x, t.peek()) {
            (Value::Int(a), Some(Value::Int(b))) => Some(a == b),
            (Value::String(a), Some(Value::String(b))) => Some(a.as_bytes() == b.as_bytes()),
            _ => None,
        };
        let equal = match quick {
            Some(q) => q,
            // CppNix compares the argument's own value object with each element's.
            None => ev.thunks_equal(&args[0], t)?,
        };
        if equal {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn any_all(ev: &mut Evaluator, args: &[Thunk], name: &str, want: bool) -> EvalResult {
    let f = ev.arg_function(args, 0, name)?;
    let l = ev.arg_list_ref(args, 1, name)?;
    for t in l.0.iter() {
        if call_pred(ev, &f, t, name)? == want {
            return Ok(Value::Bool(want));
        }
    }
    Ok(Value::Bool(!want))
}

fn any(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    any_all(ev, args, "any", true)
}
fn all(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    any_all(ev, args, "all", false)
}

fn sort(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    // As the reference: the list, then (unless it is empty) the function, then every element.
    let l = ev.arg_list(args, 1, "sort")?;
    if l.0.is_empty() {
        return Ok(Value::List(l));
    }
    let f = ev.arg_function(args, 0, "sort")?;
    for t in l.0.iter() {
        ev.force(t)?;
    }
    if l.0.len() == 1 {
        return Ok(Value::List(l));
    }
    let items: Vec<Thunk> = l.0.clone();
    let sorted = merge_sort(ev, items, &mut |ev, a, b| {
        match ev.call2(&f, a.clone(), b.clone())? {
            Value::Bool(x) => Ok(x),
            other => Err(type_err("a Boolean", &other)
                .frame(Pos::NONE, "while evaluating the return value of the sorting function passed to builtins.sort")),
        }
    })?;
    Ok(Value::list(sorted))
}

/// A stable merge sort with a fallible "less than" (never panics on inconsistent comparators).
pub fn merge_sort(
    ev: &mut Evaluator,
    items: Vec<Thunk>,
    less: &mut dyn FnMut(&mut Evaluator, &Thunk, &Thunk) -> EvalResult<bool>,
) -> EvalResult<Vec<Thunk>> {
    let n = items.len();
    if n <= 1 {
        return Ok(items);
    }
    // Insertion sort for short runs, then bottom-up merging.
    let mut v = items;
    const RUN: usize = 8;
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(ev, &v[j], &v[j - 1])? {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = RUN;
    let mut buf: Vec<Thunk> = Vec::with_capacity(n);
    while width < n {
        buf.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right only if it is strictly less (stability).
                if less(ev, &v[j], &v[i])? {
                    buf.push(v[j].clone());
                    j += 1;
                } else {
                    buf.push(v[i].clone());
                    i += 1;
                }
            }
            buf.extend_from_slice(&v[i..mid]);
            buf.extend_from_slice(&v[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut v, &mut buf);
        width *= 2;
    }
    Ok(v)
}

fn partition(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = ev.arg_function(args, 0, "partition")?;
    let l = ev.arg_list(args, 1, "partition")?;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for t in l.0.iter() {
        if call_pred(ev, &f, t, "partition")? {
            right.push(t.clone());
        } else {
            wrong.push(t.clone());
        }
    }
    Ok(super::make_attrs(vec![("right", Value::list(right)), ("wrong", Value::list(wrong))]))
}

fn group_by(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let f = ev.arg_function(args, 0, "groupBy")?;
    let l = ev.arg_list(args, 1, "groupBy")?;
    let mut groups: Vec<(Symbol, Vec<Thunk>)> = Vec::new();
    let mut index: rustc_hash::FxHashMap<Symbol, usize> = Default::default();
    for t in l.0.iter() {
        let key = match ev.call1(&f, t.clone())? {
            Value::String(s) => {
                super::context::check_no_context(&s).map_err(|e| {
                    e.frame(Pos::NONE, "while evaluating the return value of the grouping function passed to builtins.groupBy")
                })?;
                s.to_symbol()
            }
            other => {
                return Err(type_err("a string", &other)
                    .frame(Pos::NONE, "while evaluating the return value of the grouping function passed to builtins.groupBy"))
            }
        };
        match index.get(&key) {
            Some(&i) => groups[i].1.push(t.clone()),
            None => {
                index.insert(key, groups.len());
                groups.push((key, vec![t.clone()]));
            }
        }
    }
    let entries = groups
        .into_iter()
        .map(|(name, items)| AttrEntry { name, pos: Pos::NONE, value: Thunk::Ready(Value::list(items)) })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// A key of `genericClosure`, ordered like CppNix's value comparison.
#[derive(PartialEq, PartialOrd)]
enum Key {
    Num(f64),
    Str(Vec<u8>),
    Path(String),
    List(Vec<Key>),
}

impl Eq for Key {}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.partial_cmp(other).unwrap_or(std::cmp::Ordering::Equal)
    }
}

fn to_key(ev: &mut Evaluator, v: &Value) -> EvalResult<Key> {
    Ok(match v {
        Value::Int(i) => Key::Num(*i as f64),
        Value::Float(f) => Key::Num(*f),
        Value::String(s) => Key::Str(s.as_bytes().to_vec()),
        Value::Path(p) => Key::Path(p.to_string()),
        Value::List(l) => {
            let mut out = Vec::with_capacity(l.0.len());
            for t in l.0.iter() {
                let x = ev.force(t)?;
                out.push(to_key(ev, &x)?);
            }
            Key::List(out)
        }
        other => {
            return Err(EvalError::type_error(format!("cannot compare {} with {}", other.type_phrase(), other.type_phrase())))
        }
    })
}

fn generic_closure(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let a = ev.arg_attrs(args, 0, "genericClosure")?;
    let start = match a.get(sym::startSet) {
        Some(t) => t.clone(),
        None => return Err(super::attrs::missing_attr(sym::startSet, &a)),
    };
    let op = match a.get(sym::operator) {
        Some(t) => t.clone(),
        None => return Err(super::attrs::missing_attr(sym::operator, &a)),
    };
    let start = ev.force_list(&start, "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure")?;
    let op = ev.force(&op)?;
    if !op.is_function() {
        return Err(arg_frame(type_err("a function", &op), 0, "genericClosure"));
    }
    let mut work: std::collections::VecDeque<Thunk> = start.0.iter().cloned().collect();
    let mut seen: std::collections::BTreeSet<Key> = Default::default();
    let mut first_key: Option<Value> = None;
    let mut out = Vec::new();
    while let Some(t) = work.pop_front() {
        let item = ev.force_attrs(&t, "while evaluating one of the elements generated by (or initially passed to) builtins.genericClosure")?;
        let key = match item.get(sym::key) {
            Some(k) => k.clone(),
            None => return Err(super::attrs::missing_attr(sym::key, &item)),
        };
        let key_value = ev.force(&key)?;
        // Keys are only compared with keys already seen: the first one may be of any type.
        let comparable = matches!(
            key_value,
            Value::Int(_) | Value::Float(_) | Value::String(_) | Value::Path(_) | Value::List(_)
        );
        if let Some(first_value) = &first_key {
            let same_kind = std::mem::discriminant(first_value) == std::mem::discriminant(&key_value)
                || matches!((first_value, &key_value), (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)));
            if !same_kind || !comparable {
                let tail = if same_kind { "; values of that type are incomparable (values are " } else { "; values are " };
                return Err(EvalError::type_error(format!(
                    "cannot compare {} with {}{}{} and {}{}",
                    key_value.type_phrase(),
                    first_value.type_phrase(),
                    tail,
                    crate::print::short(&key_value),
                    crate::print::short(first_value),
                    if same_kind { ")" } else { "" }
                ))
                .frame(Pos::NONE, format!("while comparing element {}", crate::print::short(&Value::Attrs(item.clone())))));
            }
        } else {
            first_key = Some(key_value.clone());
        }
        if comparable && !seen.insert(to_key(ev, &key_value)?) {
            continue;
        }
        out.push(t.clone());
        let next = ev.call1(&op, t.clone())?;
        match next {
            Value::List(l) => work.extend(l.0.iter().cloned()),
            other => {
                return Err(type_err("a list", &other)
                    .frame(Pos::NONE, "while evaluating the return value of the `operator` passed to builtins.genericClosure"))
            }
        }
    }
    Ok(Value::list(out))
}
