//! Serialisation builtins other than `toJSON`: `fromJSON`, `fromTOML` (text → value, through
//! the neutral `crate::data::Data` tree) and `toXML` (value → CppNix's XML), plus the XML
//! printer behind `nixeval eval --xml`.
//!
//! The XML is CppNix's `printValueAsXML` byte for byte: two-space indentation, XML attributes in
//! name order, `"`, `<`, `>`, `&` and newline escaped inside attribute values (nothing else, so
//! bytes that are not UTF-8 pass through), derivations shown once each (`<repeated />` after
//! that), functions with their formals, `<unevaluated />` for built-in functions and, when not
//! strict, for values not computed yet. Source locations (`--xml` without `--no-location`) name
//! the file only for code read from a file, as current CppNix does. The strings' contexts are
//! collected into the result; paths are shown as they are, not copied to the store.

use super::context::arg_string_no_ctx;
use super::Builtin;
use crate::data::Data;
use crate::error::EvalError;
use crate::eval::expr::Param;
use crate::eval::symbol::{sym, Symbol};
use crate::eval::value::*;
use crate::eval::Evaluator;
use crate::syntax::source::{Origin, Pos};
use rustc_hash::FxHashSet;

pub const BUILTINS: &[Builtin] = &[
    Builtin { name: "fromJSON", arity: 1, func: from_json },
    Builtin { name: "fromTOML", arity: 1, func: from_toml },
    Builtin { name: "toXML", arity: 1, func: to_xml_builtin },
];

// ----- reading -------------------------------------------------------------------------------

/// Turns parsed data into a Nix value, consuming it (strings are moved, not copied).
pub fn data_to_value(d: Data) -> EvalResult {
    if crate::stack::exhausted() {
        return Err(crate::eval::stack_overflow());
    }
    Ok(match d {
        Data::Null => Value::Null,
        Data::Bool(b) => Value::Bool(b),
        Data::Int(i) => Value::Int(i),
        Data::Float(f) => Value::Float(f),
        Data::String(s) => Value::string(s.into_bytes()),
        Data::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(Thunk::Ready(data_to_value(item)?));
            }
            Value::list(out)
        }
        Data::Attrs(pairs) => {
            if pairs.is_empty() {
                return Ok(Value::empty_attrs());
            }
            let mut entries = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                entries.push(AttrEntry { name: Symbol::new(&k), pos: Pos::NONE, value: Thunk::Ready(data_to_value(v)?) });
            }
            Value::attrs(Attrs::from_unsorted(entries))
        }
    })
}

fn from_json(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let s = arg_string_no_ctx(ev, args, 0, "fromJSON")?;
    match crate::json::parse_json_bytes(s.as_bytes()) {
        Ok(d) => data_to_value(d),
        Err(msg) => {
            // Only the JSON parser's own errors get CppNix's trace line; the checks done on the
            // values it produced (NUL bytes, integer range) do not.
            let traced = msg.starts_with("[json.exception.") || msg.starts_with("JSON value nested");
            let e = EvalError::eval(msg);
            Err(if traced { e.frame(Pos::NONE, "while decoding a JSON string") } else { e })
        }
    }
}

fn from_toml(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let ctx = "while evaluating the argument passed to builtins.fromTOML";
    let s = super::context::force_string_no_ctx(ev, &args[0], ctx)?;
    let timestamps = ev.options.experimental_features.iter().any(|f| f == "parse-toml-timestamps");
    let d = crate::toml::parse_toml_bytes(s.as_bytes(), timestamps).map_err(EvalError::eval)?;
    data_to_value(d)
}

// ----- XML -----------------------------------------------------------------------------------

fn to_xml_builtin(ev: &mut Evaluator, args: &[Thunk]) -> EvalResult {
    let v = ev.force(&args[0])?;
    let mut ctx = Vec::new();
    let out = value_to_xml(ev, &v, true, false, &mut ctx)?;
    Ok(Value::String(NixString::with_context(out.into_boxed_slice(), Context::from_vec(ctx))))
}

/// The XML document for `v` (`builtins.toXML` is `strict` without `location`; `--xml` is
/// `--strict`-dependent with locations unless `--no-location`). The contexts of the strings met
/// are appended to `ctx`.
pub fn value_to_xml(
    ev: &mut Evaluator,
    v: &Value,
    strict: bool,
    location: bool,
    ctx: &mut Vec<Box<str>>,
) -> EvalResult<Vec<u8>> {
    let mut w = XmlWriter { out: Vec::with_capacity(256), strict, location, ctx, drvs_seen: FxHashSet::default(), depth: 0 };
    w.out.extend_from_slice(b"<?xml version='1.0' encoding='utf-8'?>\n");
    w.open(0, b"expr", &[]);
    w.value(ev, v, 1)?;
    w.close(0, b"expr");
    Ok(w.out)
}

struct XmlWriter<'c> {
    out: Vec<u8>,
    strict: bool,
    location: bool,
    ctx: &'c mut Vec<Box<str>>,
    drvs_seen: FxHashSet<Box<[u8]>>,
    /// Nesting depth, bounded like CppNix's call depth.
    depth: u32,
}

/// XML attributes of one element, in the order they are written (callers list them sorted by
/// name, as CppNix's `std::map` orders them).
type XmlAttrs<'a> = [(&'a str, &'a [u8])];

impl XmlWriter<'_> {
    fn indent(&mut self, level: usize) {
        self.out.resize(self.out.len() + 2 * level, b' ');
    }

    fn attrs(&mut self, attrs: &XmlAttrs) {
        for (name, value) in attrs {
            self.out.push(b' ');
            self.out.extend_from_slice(name.as_bytes());
            self.out.extend_from_slice(b"=\"");
            let mut run = 0;
            for (i, &c) in value.iter().enumerate() {
                let esc: &[u8] = match c {
                    b'"' => b"&quot;",
                    b'<' => b"&lt;",
                    b'>' => b"&gt;",
                    b'&' => b"&amp;",
                    b'\n' => b"&#xA;",
                    _ => continue,
                };
                self.out.extend_from_slice(&value[run..i]);
                self.out.extend_from_slice(esc);
                run = i + 1;
            }
            self.out.extend_from_slice(&value[run..]);
            self.out.push(b'"');
        }
    }

    fn open(&mut self, level: usize, name: &[u8], attrs: &XmlAttrs) {
        self.indent(level);
        self.out.push(b'<');
        self.out.extend_from_slice(name);
        self.attrs(attrs);
        self.out.extend_from_slice(b">\n");
    }

    fn close(&mut self, level: usize, name: &[u8]) {
        self.indent(level);
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name);
        self.out.extend_from_slice(b">\n");
    }

    fn empty(&mut self, level: usize, name: &[u8], attrs: &XmlAttrs) {
        self.indent(level);
        self.out.push(b'<');
        self.out.extend_from_slice(name);
        self.attrs(attrs);
        self.out.extend_from_slice(b" />\n");
    }

    /// `(column, line, path)` of a position, as `posToXML` writes them.
    fn location(&self, ev: &Evaluator, pos: Pos) -> Option<(String, String, Option<String>)> {
        let loc = ev.sources.location(pos)?;
        let file = ev.sources.file(loc.file);
        let (line, col) = file.line_col(loc.start);
        let path = match &file.origin {
            Origin::File(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        };
        Some((col.to_string(), line.to_string(), path))
    }

    fn thunk(&mut self, ev: &mut Evaluator, t: &Thunk, level: usize) -> EvalResult<()> {
        if self.strict {
            let v = ev.force(t)?;
            self.value(ev, &v, level)
        } else {
            match t.value_if_ready() {
                Some(v) => self.value(ev, &v, level),
                None => {
                    self.empty(level, b"unevaluated", &[]);
                    Ok(())
                }
            }
        }
    }

    fn value(&mut self, ev: &mut Evaluator, v: &Value, level: usize) -> EvalResult<()> {
        if self.depth > ev.options.max_call_depth || crate::stack::exhausted() {
            return Err(crate::eval::stack_overflow());
        }
        self.depth += 1;
        let r = self.value_inner(ev, v, level);
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self, ev: &mut Evaluator, v: &Value, level: usize) -> EvalResult<()> {
        match v {
            Value::Opaque(o) => return Err(crate::eval::opaque::needed(o, "conversion to XML")),
            Value::Int(i) => self.empty(level, b"int", &[("value", i.to_string().as_bytes())]),
            Value::Bool(b) => {
                let text: &[u8] = if *b { b"true" } else { b"false" };
                self.empty(level, b"bool", &[("value", text)])
            }
            Value::String(s) => {
                s.context().extend_into(self.ctx);
                self.empty(level, b"string", &[("value", s.as_bytes())])
            }
            Value::Path(p) => self.empty(level, b"path", &[("value", p.as_bytes())]),
            Value::Null => self.empty(level, b"null", &[]),
            Value::Float(f) => self.empty(level, b"float", &[("value", crate::numfmt::format_float(*f).as_bytes())]),
            Value::Attrs(a) => {
                if ev.is_derivation(a)? {
                    let drv_path = self.derivation_attr(ev, a, sym::drvPath)?;
                    let out_path = self.derivation_attr(ev, a, sym::outPath)?;
                    let mut attrs: Vec<(&str, &[u8])> = Vec::with_capacity(2);
                    if let Some(d) = &drv_path {
                        attrs.push(("drvPath", d.as_bytes()));
                    }
                    if let Some(o) = &out_path {
                        attrs.push(("outPath", o.as_bytes()));
                    }
                    self.open(level, b"derivation", &attrs);
                    let first_time = match &drv_path {
                        Some(d) if !d.is_empty() => self.drvs_seen.insert(d.as_bytes().into()),
                        _ => false,
                    };
                    if first_time {
                        self.show_attrs(ev, a, level + 1)?;
                    } else {
                        self.empty(level + 1, b"repeated", &[]);
                    }
                    self.close(level, b"derivation");
                } else {
                    self.open(level, b"attrs", &[]);
                    self.show_attrs(ev, a, level + 1)?;
                    self.close(level, b"attrs");
                }
            }
            Value::List(l) => {
                self.open(level, b"list", &[]);
                for t in l.0.iter() {
                    self.thunk(ev, t, level + 1)?;
                }
                self.close(level, b"list");
            }
            Value::Lambda(c) => {
                let def = c.def;
                let loc = if self.location { self.location(ev, def.pos) } else { None };
                match &loc {
                    Some((col, line, path)) => {
                        let mut attrs: Vec<(&str, &[u8])> = vec![("column", col.as_bytes()), ("line", line.as_bytes())];
                        if let Some(p) = path {
                            attrs.push(("path", p.as_bytes()));
                        }
                        self.open(level, b"function", &attrs);
                    }
                    None => self.open(level, b"function", &[]),
                }
                match &def.param {
                    Param::Ident(name) => self.empty(level + 1, b"varpat", &[("name", name.as_str().as_bytes())]),
                    Param::Formals { formals, ellipsis, at } => {
                        let mut attrs: Vec<(&str, &[u8])> = Vec::with_capacity(2);
                        if *ellipsis {
                            attrs.push(("ellipsis", b"1"));
                        }
                        if let Some(at) = at {
                            attrs.push(("name", at.as_str().as_bytes()));
                        }
                        self.open(level + 1, b"attrspat", &attrs);
                        let mut names: Vec<&str> = formals.iter().map(|f| f.name.as_str()).collect();
                        names.sort_unstable();
                        for n in names {
                            self.empty(level + 2, b"attr", &[("name", n.as_bytes())]);
                        }
                        self.close(level + 1, b"attrspat");
                    }
                }
                self.close(level, b"function");
            }
            Value::PrimOp(_) | Value::PrimOpApp(_) => self.empty(level, b"unevaluated", &[]),
        }
        Ok(())
    }

    /// The string value of a derivation's `drvPath` or `outPath`, if it has one.
    fn derivation_attr(&mut self, ev: &mut Evaluator, a: &Attrs, name: Symbol) -> EvalResult<Option<NixString>> {
        let Some(t) = a.get(name) else { return Ok(None) };
        let v = if self.strict { Some(ev.force(t)?) } else { t.value_if_ready() };
        Ok(match v {
            Some(Value::String(s)) => Some(s),
            _ => None,
        })
    }

    fn show_attrs(&mut self, ev: &mut Evaluator, a: &Attrs, level: usize) -> EvalResult<()> {
        for entry in a.sorted_by_name() {
            let name = entry.name.as_str().as_bytes();
            let loc = if self.location { self.location(ev, entry.pos) } else { None };
            match &loc {
                Some((col, line, path)) => {
                    let mut attrs: Vec<(&str, &[u8])> =
                        vec![("column", col.as_bytes()), ("line", line.as_bytes()), ("name", name)];
                    if let Some(p) = path {
                        attrs.push(("path", p.as_bytes()));
                    }
                    self.open(level, b"attr", &attrs);
                }
                None => self.open(level, b"attr", &[("name", name)]),
            }
            self.thunk(ev, &entry.value, level + 1)?;
            self.close(level, b"attr");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{EvalOptions, Evaluator};

    fn evaluator() -> Evaluator {
        let mut ev = Evaluator::new(EvalOptions::default(), Box::new(crate::eval::io::RealIo));
        ev.reset_stack_base();
        ev
    }

    fn xml_of_file(text: &str, strict: bool, location: bool) -> String {
        let mut ev = evaluator();
        let expr = ev.compile(Origin::File("/t/x.nix".into()), text.into(), "/t".into()).unwrap();
        let env = crate::eval::value::Env::root();
        let v = ev.eval(expr, &env).unwrap();
        let mut ctx = Vec::new();
        String::from_utf8(value_to_xml(&mut ev, &v, strict, location, &mut ctx).unwrap()).unwrap()
    }

    #[test]
    fn locations_name_the_file() {
        let xml = xml_of_file("{\n  a = 1;\n  f = { x }: x;\n}\n", true, true);
        assert_eq!(
            xml,
            "<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    \
             <attr column=\"3\" line=\"2\" name=\"a\" path=\"/t/x.nix\">\n      <int value=\"1\" />\n    </attr>\n    \
             <attr column=\"3\" line=\"3\" name=\"f\" path=\"/t/x.nix\">\n      \
             <function column=\"7\" line=\"3\" path=\"/t/x.nix\">\n        <attrspat>\n          <attr name=\"x\" />\n        \
             </attrspat>\n      </function>\n    </attr>\n  </attrs>\n</expr>\n"
        );
    }

    #[test]
    fn locations_of_command_line_code_have_no_path() {
        let mut ev = evaluator();
        let v = ev.eval_str("{ a = x: x; }", "/").unwrap();
        let xml = String::from_utf8(value_to_xml(&mut ev, &v, true, true, &mut Vec::new()).unwrap()).unwrap();
        assert!(xml.contains("<attr column=\"3\" line=\"1\" name=\"a\">"), "{xml}");
        assert!(xml.contains("<function column=\"7\" line=\"1\">"), "{xml}");
    }

    #[test]
    fn lazy_output_shows_unevaluated_parts() {
        let xml = xml_of_file("{ a = 1 + 1; b = [ (throw \"no\") ]; }", false, false);
        assert!(xml.contains("<attr name=\"a\">\n      <unevaluated />"), "{xml}");
        assert!(xml.contains("<attr name=\"b\">\n      <unevaluated />"), "{xml}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let msg = crate::eval::with_big_stack(256 << 20, || {
            let mut ev = evaluator();
            let v = ev.eval_str("builtins.foldl' (acc: _: [ acc ]) 0 (builtins.genList (x: x) 20000)", "/").unwrap();
            value_to_xml(&mut ev, &v, true, false, &mut Vec::new()).unwrap_err().message().to_string()
        });
        assert_eq!(msg, "stack overflow; max-call-depth exceeded");
    }

    #[test]
    fn json_data_becomes_values() {
        let d = crate::json::parse_json(r#"{"b": [1, 2.5, "s", null, true], "a": {}}"#).unwrap();
        let v = data_to_value(d).unwrap();
        assert_eq!(String::from_utf8(crate::print::print_value(&v)).unwrap(), r#"{ a = { }; b = [ 1 2.5 "s" null true ]; }"#);
    }

    #[test]
    fn deep_json_is_refused() {
        let deep = "[".repeat(20000) + &"]".repeat(20000);
        let e = crate::eval_to_string(&format!("builtins.fromJSON \"{deep}\"")).unwrap_err();
        assert_eq!(e.message(), "JSON value nested deeper than 10000 levels");
    }
}
