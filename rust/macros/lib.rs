// SPDX-License-Identifier: GPL-2.0

//! Procedural macros of refdrv's userspace `kernel` crate: `module!` and
//! `#[vtable]`, with the syntax of the kernel's `rust/macros`.
//!
//! Written against the bare `proc_macro` API (no crates.io) and Rust 1.63.

extern crate proc_macro;

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Tokens that a `macro_rules!` forwarded arrive wrapped in an invisible
/// (`Delimiter::None`) group; look through it.
fn unwrap_none_group(tt: TokenTree) -> TokenTree {
    if let TokenTree::Group(g) = &tt {
        if g.delimiter() == Delimiter::None {
            let mut inner = g.stream().into_iter();
            if let (Some(first), None) = (inner.next(), inner.next()) {
                return unwrap_none_group(first);
            }
        }
    }
    tt
}

/// The value of a string literal token. Stable `proc_macro` gives only the
/// token's source text, so the escapes are decoded here.
fn string_value(lit: &Literal) -> Result<String, String> {
    let text = lit.to_string();
    if text.starts_with('r') {
        let hashes = text[1..].chars().take_while(|c| *c == '#').count();
        let body = &text[1 + hashes..text.len() - hashes];
        return Ok(body[1..body.len() - 1].to_string());
    }
    if !(text.starts_with('"') && text.ends_with('"') && text.len() >= 2) {
        return Err(format!("expected a string literal, found `{}`", text));
    }
    let body = &text[1..text.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let v = u8::from_str_radix(&hex, 16).map_err(|_| format!("bad escape \\x{}", hex))?;
                out.push(v as char);
            }
            Some('u') => {
                let spec: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let v = u32::from_str_radix(spec.trim_start_matches('{'), 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad escape \\u{}}}", spec))?;
                out.push(v);
            }
            Some('\n') => {
                while let Some(' ') | Some('\t') | Some('\n') = chars.peek() {
                    chars.next();
                }
            }
            other => return Err(format!("unsupported escape \\{:?}", other)),
        }
    }
    Ok(out)
}

/// A compile error at the macro call site.
fn compile_error(msg: &str) -> TokenStream {
    format!("::core::compile_error!({:?});", msg).parse().unwrap()
}

enum ModuleValue {
    Tokens(Vec<TokenTree>),
    Str(String),
    List(Vec<String>),
}

fn parse_module_args(input: TokenStream) -> Result<Vec<(String, ModuleValue)>, String> {
    let mut out = Vec::new();
    let mut it = input.into_iter().map(unwrap_none_group).peekable();
    while let Some(tt) = it.next() {
        let key = match tt {
            TokenTree::Ident(i) => i.to_string(),
            other => return Err(format!("expected a key, found `{}`", other)),
        };
        match it.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == ':' => {}
            _ => return Err(format!("expected `:` after `{}`", key)),
        }
        let mut value: Vec<TokenTree> = Vec::new();
        while let Some(tt) = it.peek() {
            if let TokenTree::Punct(p) = tt {
                if p.as_char() == ',' {
                    break;
                }
            }
            value.push(it.next().unwrap());
        }
        it.next(); // the comma, if any
        let parsed = match (value.len(), value.first()) {
            (1, Some(TokenTree::Literal(l))) => ModuleValue::Str(string_value(l)?),
            (1, Some(TokenTree::Group(g))) if g.delimiter() == Delimiter::Bracket => {
                let mut items = Vec::new();
                for tt in g.stream() {
                    match unwrap_none_group(tt) {
                        TokenTree::Literal(l) => items.push(string_value(&l)?),
                        TokenTree::Punct(p) if p.as_char() == ',' => {}
                        other => return Err(format!("`{}` takes string literals, found `{}`", key, other)),
                    }
                }
                ModuleValue::List(items)
            }
            _ => ModuleValue::Tokens(value),
        };
        out.push((key, parsed));
    }
    Ok(out)
}

fn c_string_expr(s: &str) -> String {
    format!("{:?}", format!("{}\0", s))
}

/// Declares a kernel module, as the kernel's `module!`:
///
/// ```ignore
/// module! {
///     type: MyModule,
///     name: "my_module",
///     author: "...",
///     description: "...",
///     license: "GPL",
///     firmware: ["file.fw"],   // optional
/// }
/// ```
///
/// Built in, a module exports a descriptor (`__refdrv_rust_module_<crate>`,
/// unique per crate so several modules link into one object) that refdrv's
/// module loader runs the way the kernel runs a built-in module's initcall.
#[proc_macro]
pub fn module(input: TokenStream) -> TokenStream {
    let args = match parse_module_args(input) {
        Ok(a) => a,
        Err(e) => return compile_error(&format!("module!: {}", e)),
    };
    let mut ty = None;
    let (mut name, mut author, mut description, mut license) = (None, None, None, None);
    let mut firmware = Vec::new();
    for (key, value) in args {
        match (key.as_str(), value) {
            ("type", ModuleValue::Tokens(t)) => ty = Some(t.into_iter().collect::<TokenStream>().to_string()),
            ("name", ModuleValue::Str(s)) => name = Some(s),
            ("author", ModuleValue::Str(s)) => author = Some(s),
            ("description", ModuleValue::Str(s)) => description = Some(s),
            ("license", ModuleValue::Str(s)) => license = Some(s),
            ("firmware", ModuleValue::List(l)) => firmware = l,
            ("alias", ModuleValue::List(_)) | ("params", _) => {}
            (k, _) => return compile_error(&format!("module!: unexpected or malformed key `{}`", k)),
        }
    }
    let ty = match ty {
        Some(t) => t,
        None => return compile_error("module!: missing `type`"),
    };
    let name = match name {
        Some(n) => n,
        None => return compile_error("module!: missing `name`"),
    };
    let license = match license {
        Some(l) => l,
        None => return compile_error("module!: missing `license`"),
    };
    let crate_name = std::env::var("REFDRV_RUST_CRATE").unwrap_or_else(|_| name.clone());
    let opt = |s: &Option<String>| match s {
        Some(v) => format!("{}.as_ptr() as *const ::kernel::ffi::c_char", c_string_expr(v)),
        None => "::core::ptr::null()".to_string(),
    };
    let mut fw_items = String::new();
    for f in &firmware {
        fw_items.push_str(&format!("{}.as_ptr() as *const ::kernel::ffi::c_char, ", c_string_expr(f)));
    }
    let code = format!(
        r#"
        /// The module's `THIS_MODULE`: built-in code has no `struct module`.
        pub static THIS_MODULE: ::kernel::ThisModule = ::kernel::ThisModule::built_in();

        static mut __REFDRV_MODULE: ::core::option::Option<{ty}> = ::core::option::Option::None;

        unsafe extern "C" fn __refdrv_module_init() -> ::kernel::ffi::c_int {{
            match <{ty} as ::kernel::Module>::init(&THIS_MODULE) {{
                ::core::result::Result::Ok(m) => {{
                    // SAFETY: the module loader runs init and exit one at a time.
                    unsafe {{ *::core::ptr::addr_of_mut!(__REFDRV_MODULE) = ::core::option::Option::Some(m) }};
                    0
                }}
                ::core::result::Result::Err(e) => e.to_errno(),
            }}
        }}

        unsafe extern "C" fn __refdrv_module_exit() {{
            // SAFETY: the module loader runs init and exit one at a time.
            unsafe {{ *::core::ptr::addr_of_mut!(__REFDRV_MODULE) = ::core::option::Option::None }};
        }}

        static __REFDRV_FIRMWARE: ::kernel::module::CStrList<{nfw}> =
            ::kernel::module::CStrList([{fw_items} ::core::ptr::null()]);

        #[no_mangle]
        #[used]
        pub static __refdrv_rust_module_{crate_name}: ::kernel::module::RustModule =
            ::kernel::module::RustModule(::kernel::bindings::refdrv_rust_module {{
                name: {name}.as_ptr() as *const ::kernel::ffi::c_char,
                author: {author},
                description: {description},
                license: {license}.as_ptr() as *const ::kernel::ffi::c_char,
                firmware: __REFDRV_FIRMWARE.0.as_ptr(),
                init: __refdrv_module_init,
                exit: __refdrv_module_exit,
            }});
        "#,
        ty = ty,
        nfw = firmware.len() + 1,
        fw_items = fw_items,
        crate_name = crate_name,
        name = c_string_expr(&name),
        author = opt(&author),
        description = opt(&description),
        license = c_string_expr(&license),
    );
    code.parse().unwrap_or_else(|e| compile_error(&format!("module!: internal error: {:?}", e)))
}

fn upper_snake(name: &str) -> String {
    name.to_uppercase()
}

/// Marks a trait (or an implementation of it) whose optional methods must be
/// known at compile time, as the kernel's `#[vtable]`: the trait gets
/// `const HAS_<METHOD>: bool = false` for each method with a default body,
/// an implementation `const HAS_<METHOD>: bool = true` for each method it
/// defines. Code building a C operations table leaves absent methods NULL.
#[proc_macro_attribute]
pub fn vtable(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let is_trait = tokens.iter().any(|t| matches!(t, TokenTree::Ident(i) if i.to_string() == "trait"));
    let body_idx = match tokens
        .iter()
        .rposition(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
    {
        Some(i) => i,
        None => return compile_error("#[vtable] applies to a trait or an impl block"),
    };
    let body = match &tokens[body_idx] {
        TokenTree::Group(g) => g.stream(),
        _ => unreachable!(),
    };
    let items: Vec<TokenTree> = body.clone().into_iter().collect();
    let mut declared = Vec::new();
    let mut existing_consts = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if let TokenTree::Ident(id) = &items[i] {
            let word = id.to_string();
            if word == "fn" {
                if let Some(TokenTree::Ident(name)) = items.get(i + 1) {
                    // In a trait, only methods with a default body are optional.
                    let mut j = i + 2;
                    let mut has_body = false;
                    while j < items.len() {
                        match &items[j] {
                            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                                has_body = true;
                                break;
                            }
                            TokenTree::Punct(p) if p.as_char() == ';' => break,
                            _ => j += 1,
                        }
                    }
                    if !is_trait || has_body {
                        declared.push(name.to_string());
                    }
                }
            } else if word == "const" {
                if let Some(TokenTree::Ident(name)) = items.get(i + 1) {
                    existing_consts.push(name.to_string());
                }
            }
        }
        i += 1;
    }
    let mut extra = String::new();
    for name in declared {
        let konst = format!("HAS_{}", upper_snake(&name));
        if existing_consts.contains(&konst) {
            continue;
        }
        if is_trait {
            extra.push_str(&format!(
                "/// Whether the implementation provides `{}` (set by `#[vtable]`).\nconst {}: bool = false;\n",
                name, konst
            ));
        } else {
            extra.push_str(&format!("const {}: bool = true;\n", konst));
        }
    }
    let mut new_body = body;
    new_body.extend(extra.parse::<TokenStream>().unwrap());
    let mut group = Group::new(Delimiter::Brace, new_body);
    group.set_span(tokens[body_idx].span());
    tokens[body_idx] = TokenTree::Group(group);
    tokens.into_iter().collect()
}

/// `concat_ident!`-free helper used by `kernel::module_phy_driver!` to give
/// the device table a name unique to the crate.
#[proc_macro]
pub fn mdio_device_table(input: TokenStream) -> TokenStream {
    let crate_name = std::env::var("REFDRV_RUST_CRATE").unwrap_or_else(|_| "module".to_string());
    let ident = Ident::new(&format!("__refdrv_mdio_device_table_{}", crate_name), Span::call_site());
    let mut out: Vec<TokenTree> = Vec::new();
    out.extend("#[no_mangle] #[used] static".parse::<TokenStream>().unwrap());
    out.push(TokenTree::Ident(ident));
    out.push(TokenTree::Punct(Punct::new(':', Spacing::Alone)));
    out.extend(input);
    out.push(TokenTree::Punct(Punct::new(';', Spacing::Alone)));
    out.into_iter().collect()
}
