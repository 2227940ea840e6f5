namespace Port.Sdk.Jq.Functions;

internal sealed partial class BuiltinLibrary
{
    /// <summary>The builtins written in jq, on top of the native ones. Each may use those defined before it.</summary>
    private const string JqDefinitions = """
        def values: select(. != null);
        def nulls: select(. == null);
        def booleans: select(type == "boolean");
        def numbers: select(type == "number");
        def strings: select(type == "string");
        def arrays: select(type == "array");
        def objects: select(type == "object");
        def iterables: select(type | . == "array" or . == "object");
        def scalars: select(type | . != "array" and . != "object");
        def finites: select(isinfinite or isnan | not);
        def normals: select(isnormal);
        def recurse: recurse(.[]?);
        def recurse(f; cond): def r: ., (f | select(cond) | r); r;
        def recurse_down: recurse;
        def map_values(f): .[] |= f;
        def with_entries(f): to_entries | map(f) | from_entries;
        def del(f): delpaths([path(f)]);
        def paths: path(..) | select(length > 0);
        def paths(node_filter): . as $dot | paths | select(. as $p | $dot | getpath($p) | node_filter);
        def leaf_paths: paths(scalars);
        def any(generator; condition): isempty(first(generator | condition or empty)) | not;
        def all(generator; condition): isempty(first(generator | condition and empty));
        def any(condition): any(.[]; condition);
        def all(condition): all(.[]; condition);
        def any: any(.);
        def all: all(.);
        def in(xs): . as $x | xs | has($x);
        def inside(xs): . as $x | xs | contains($x);
        def combinations: if length == 0 then [] else .[0][] as $x | (.[1:] | combinations) as $w | [$x] + $w end;
        def combinations(n): . as $dot | [range(n)] | map($dot) | combinations;
        def walk(f): def w: if type == "object" then map_values(w) elif type == "array" then map(w) else . end | f; w;
        def first: .[0];
        def last: .[-1];
        def nth($n): .[$n];
        def nth($n; f): if $n < 0 then error("nth doesn't support negative indices") else first(skip($n; f)) end;
        def add(f): reduce f as $x (null; . + $x);
        def todateiso8601: strftime("%Y-%m-%dT%H:%M:%SZ");
        def fromdateiso8601: strptime("%Y-%m-%dT%H:%M:%SZ") | mktime;
        def todate: todateiso8601;
        def fromdate: fromdateiso8601;
        def date: todate;
        def dateadd(u; n): . + n;
        def datesub(u; n): . - n;
        def _regex_args(val): (val | type) as $vt
          | if $vt == "string" then [val, null]
            elif $vt == "array" and (val | length) > 1 then [val[0], val[1]]
            elif $vt == "array" and (val | length) > 0 then [val[0], null]
            else error($vt + " not a string or array") end;
        def match(re; flags): _match(re; flags);
        def match($val): _regex_args($val) as [$re, $flags] | _match($re; $flags);
        def test(re; flags): _test(re; flags);
        def test($val): _regex_args($val) as [$re, $flags] | _test($re; $flags);
        def capture(re; mods): match(re; mods) | [.captures | .[] | select(.name != null) | {key: .name, value: .string}] | from_entries;
        def capture($val): _regex_args($val) as [$re, $flags] | capture($re; $flags);
        def scan(re; flags): match(re; "g" + (flags // "")) | if (.captures | length) > 0 then [.captures | .[] | .string] else .string end;
        def scan(re): scan(re; null);
        def split(re; flags): _split_regex(re; flags);
        def splits(re; flags): split(re; flags) | .[];
        def splits(re): splits(re; null);
        def sub(re; str): sub(re; str; "");
        def gsub(re; str): gsub(re; str; "");
        def ascii: [.] | implode;
        def tostream: path(def r: (.[]? | r), .; r) as $p | getpath($p) | reduce path(.[]?) as $q ([$p, .]; [$p + $q]);
        def fromstream(f): {x: null, e: false} as $init
          | foreach f as $i ($init;
              if .e then $init else . end
              | if $i | length == 2
                then setpath(["e"]; $i[0] | length == 0) | setpath(["x"] + $i[0]; $i[1])
                else setpath(["e"]; $i[0] | length == 1) end;
              if .e then .x else empty end);
        def truncate_stream(stream): . as $n | null | stream | . as $input | if (.[0] | length) > $n then setpath([0]; .[0][$n:]) else empty end;
        def pick(pathexps): . as $top | reduce path(pathexps) as $p (null; setpath($p; $top | getpath($p)));
        def debug(msg): (msg | debug | empty), .;
        def indices($i): _indices($i);
        def index($i): indices($i) | .[0];
        def rindex($i): indices($i) | .[-1:][0];
        def IN(s): any(s == .; .);
        def IN(src; s): any(src == s; .);
        def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row);
        def INDEX(idx_expr): INDEX(.[]; idx_expr);
        def JOIN($idx; idx_expr): [.[] | [., $idx[idx_expr]]];
        def JOIN($idx; stream; idx_expr): stream | [., $idx[idx_expr]];
        def JOIN($idx; stream; idx_expr; join_expr): stream | [., $idx[idx_expr]] | join_expr;
        def transpose: if . == [] then [] else . as $in | (map(length) | max) as $max | [range(0; $max) as $j | [range(0; $in | length) as $i | $in[$i][$j]]] end;
        def halt_error: halt_error(5);
        """;
}
