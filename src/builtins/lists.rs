//! List builtins: `length`, `head`, `tail`, `elemAt`, `map`, `filter`, `foldl'`, `genList`,
//! `concatLists`, `concatMap`, `elem`, `any`, `all`, `sort`, `partition`, `groupBy`,
//! `genericClosure`. `map` and `genList` stay lazy in the elements, as in CppNix; `sort` is the
//! reference's stable peeksort, asking the comparator the same questions in the same order.

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
    let items = &l.0;
    let mut order: Vec<usize> = (0..items.len()).collect();
    peeksort(&mut order, &mut |a, b| {
        match ev.call2(&f, items[a].clone(), items[b].clone())? {
            Value::Bool(x) => Ok(x),
            other => Err(type_err("a Boolean", &other)
                .frame(Pos::NONE, "while evaluating the return value of the sorting function passed to builtins.sort")),
        }
    })?;
    Ok(Value::list(order.into_iter().map(|i| items[i].clone()).collect()))
}

/// Ranges of at most this many elements are sorted by insertion (as the reference does).
const INSERTION_SORT_MAX: usize = 16;

/// Sorts `v` stably with a fallible "less than", asking it exactly the questions CppNix's
/// `builtins.sort` asks, in the same order: a natural merge sort (peeksort) that finds the
/// ascending or strictly descending run around the middle of each range, recurses on both
/// sides, and merges; ranges of up to 16 elements are sorted by insertion. Comparators that are
/// not strict weak orders therefore give the reference's result (always a permutation of the
/// input), and comparator errors and traces come in its order. The first error stops the sort.
pub fn peeksort<T: Copy, E>(
    v: &mut [T],
    less: &mut dyn FnMut(T, T) -> Result<bool, E>,
) -> Result<(), E> {
    match v.len() {
        0 | 1 => Ok(()),
        2 => {
            if less(v[1], v[0])? {
                v.swap(0, 1);
            }
            Ok(())
        }
        n => {
            let mut buf = v.to_vec();
            let mut s = PeekSort { v, buf: &mut buf, less };
            s.sort(0, n, 0, n)
        }
    }
}

/// The state of one `peeksort`: the slice, a working buffer as long as it, the comparator.
struct PeekSort<'a, T, E> {
    v: &'a mut [T],
    buf: &'a mut [T],
    less: &'a mut dyn FnMut(T, T) -> Result<bool, E>,
}

impl<T: Copy, E> PeekSort<'_, T, E> {
    /// Sorts `begin..end`, knowing `begin..left_run_end` and `right_run_begin..end` sorted.
    fn sort(&mut self, begin: usize, end: usize, left_run_end: usize, right_run_begin: usize) -> Result<(), E> {
        if left_run_end == end || right_run_begin == begin || end - begin < 2 {
            return Ok(());
        }
        let len = end - begin;
        if len <= INSERTION_SORT_MAX {
            return self.insertion(begin, end);
        }
        let middle = begin + len / 2;
        if middle <= left_run_end {
            self.sort(left_run_end, end, left_run_end + 1, right_run_begin)?;
            return self.merge(begin, left_run_end, end);
        }
        if middle >= right_run_begin {
            self.sort(begin, right_run_begin, left_run_end, right_run_begin - 1)?;
            return self.merge(begin, right_run_begin, end);
        }
        // The run holding `middle - 1`: weakly ascending, or strictly descending (reversed).
        let (i, j) = if !(self.less)(self.v[middle], self.v[middle - 1])? {
            (self.suffix(left_run_end, middle, false)?, self.prefix(middle - 1, right_run_begin, false)?)
        } else {
            let i = self.suffix(left_run_end, middle, true)?;
            let j = self.prefix(middle - 1, right_run_begin, true)?;
            self.v[i..j].reverse();
            (i, j)
        };
        if i == begin && j == end {
            return Ok(());
        }
        if middle - i < j - middle {
            self.sort(begin, i, left_run_end, i.saturating_sub(1))?;
            self.sort(i, end, j, right_run_begin)?;
            self.merge(begin, i, end)
        } else {
            self.sort(begin, j, left_run_end, i)?;
            self.sort(j, end, j + 1, right_run_begin)?;
            self.merge(begin, j, end)
        }
    }

    /// `less(a, b)` when looking for a strictly descending run, `!less(a, b)` for an ascending one.
    fn step(&mut self, a: usize, b: usize, descending: bool) -> Result<bool, E> {
        let r = (self.less)(self.v[a], self.v[b])?;
        Ok(r == descending)
    }

    /// The start of the longest run ending at `end` (not before `begin`).
    fn suffix(&mut self, begin: usize, mut end: usize, descending: bool) -> Result<usize, E> {
        if begin == end {
            return Ok(end);
        }
        while end - 1 > begin && self.step(end - 1, end - 2, descending)? {
            end -= 1;
        }
        Ok(end - 1)
    }

    /// The end of the longest run starting at `begin` (not after `end`).
    fn prefix(&mut self, mut begin: usize, end: usize, descending: bool) -> Result<usize, E> {
        if begin == end {
            return Ok(begin);
        }
        while begin + 1 != end && self.step(begin + 1, begin, descending)? {
            begin += 1;
        }
        Ok(begin + 1)
    }

    fn insertion(&mut self, begin: usize, end: usize) -> Result<(), E> {
        for current in begin + 1..end {
            let mut p = current;
            while p != begin && (self.less)(self.v[p], self.v[p - 1])? {
                self.v.swap(p, p - 1);
                p -= 1;
            }
        }
        Ok(())
    }

    /// Merges the sorted `begin..middle` and `middle..end`, taking from the left on ties.
    fn merge(&mut self, begin: usize, middle: usize, end: usize) -> Result<(), E> {
        let len = end - begin;
        let split = middle - begin;
        self.buf[..len].copy_from_slice(&self.v[begin..end]);
        let (mut l, mut r, mut out) = (0, split, begin);
        while l < split && r < len {
            if !(self.less)(self.buf[r], self.buf[l])? {
                self.v[out] = self.buf[l];
                l += 1;
            } else {
                self.v[out] = self.buf[r];
                r += 1;
            }
            out += 1;
        }
        let rest = if l < split { l..split } else { r..len };
        let n = rest.len();
        self.v[out..out + n].copy_from_slice(&self.buf[rest]);
        Ok(())
    }
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
            ev.check_stack()?;
            let mut out = Vec::with_capacity(l.0.len());
            for t in l.0.iter() {
                let x = ev.force(t)?;
                out.push(to_key(ev, &x)?);
            }
            Key::List(out)
        }
        other => return Err(crate::eval::ops::incomparable(other, other)),
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
                return Err(crate::eval::ops::incomparable(&key_value, first_value)
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

#[cfg(test)]
mod tests {
    use super::peeksort;

    /// Sorts `values` (keeping each one's index) and returns the questions asked and the result.
    fn run(values: &[i64], le: bool) -> (String, Vec<(i64, usize)>) {
        let mut items: Vec<(i64, usize)> = values.iter().copied().zip(0..).collect();
        let mut asked = Vec::new();
        let r: Result<(), ()> = peeksort(&mut items, &mut |a, b| {
            asked.push(format!("{}<{}", a.0, b.0));
            Ok(if le { a.0 <= b.0 } else { a.0 < b.0 })
        });
        assert!(r.is_ok());
        (asked.join(" "), items)
    }

    #[test]
    fn short_ranges_are_insertion_sorted() {
        let (asked, items) = run(&[5, 3, 1, 4, 2, 6], false);
        assert_eq!(asked, "3<5 1<5 1<3 4<5 4<3 2<5 2<4 2<3 2<1 6<5");
        assert_eq!(items.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn long_ranges_find_runs_and_merge_in_the_reference_order() {
        let v = [3, 7, 1, 9, 2, 8, 4, 6, 5, 0, 11, 10, 12, 15, 14, 13, 16, 18, 17, 19];
        let (asked, items) = run(&v, false);
        assert!(asked.starts_with("11<0 0<5 11<0 10<11 7<3 1<7 1<3 9<7 2<9"), "{asked}");
        assert!(asked.ends_with("10<9 10<11 12<11"), "{asked}");
        assert_eq!(asked.split(' ').count(), 61);
        assert_eq!(items.iter().map(|p| p.0).collect::<Vec<_>>(), (0..20).collect::<Vec<i64>>());
    }

    #[test]
    fn a_non_strict_comparator_gives_the_reference_permutation() {
        let v = [2, 1, 2, 1, 0, 0, 3, 3, 1, 2, 1, 2, 1, 0, 0, 3, 3, 1, 2, 1, 2, 1, 0];
        let (_, items) = run(&v, true);
        let indices: Vec<usize> = items.iter().map(|p| p.1).collect();
        assert_eq!(indices, [22, 14, 13, 5, 4, 21, 19, 17, 12, 10, 8, 3, 1, 20, 18, 11, 9, 2, 0, 16, 15, 7, 6]);
    }

    #[test]
    fn the_first_error_stops_the_sort() {
        let mut items: Vec<i64> = (0..40).rev().collect();
        let mut calls = 0;
        let r = peeksort(&mut items, &mut |a, b| {
            calls += 1;
            if calls == 5 { Err("boom") } else { Ok(a < b) }
        });
        assert_eq!(r, Err("boom"));
        assert_eq!(calls, 5);
    }
}
