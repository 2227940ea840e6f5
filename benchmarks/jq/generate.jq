# Generates N GitHub-repository objects in the shape of GitHub's REST API (GET /orgs/{org}/repos), one per line.
# Usage: jq -n -c --argjson n 200000 -f generate.jq > repos.jsonl
def pick($xs; $i): $xs[$i % ($xs | length)];
range($n) as $i
| ["payments", "catalog", "search", "billing", "auth", "ledger", "gateway", "notifications"] as $names
| (pick($names; $i) + "-" + (["api", "worker", "web", "svc"] | pick(.; $i / 8 | floor)) + "-" + ($i | tostring)) as $name
| {
    id: (100000000 + $i),
    node_id: ("R_kgDO" + ($i | tostring)),
    name: $name,
    full_name: ("acme/" + $name),
    private: ($i % 3 == 0),
    owner: {login: "acme", id: 424242, node_id: "O_kgDOAGd1Ug", type: "Organization", site_admin: false},
    html_url: ("https://github.com/acme/" + $name),
    description: (if $i % 5 == 0 then null else "The " + $name + " service" end),
    fork: false,
    url: ("https://api.github.com/repos/acme/" + $name),
    created_at: "2021-03-04T09:15:00Z",
    updated_at: "2026-11-20T17:42:11Z",
    pushed_at: "2026-11-21T08:01:59Z",
    homepage: null,
    size: ($i * 37 % 90000),
    stargazers_count: ($i % 250),
    watchers_count: ($i % 250),
    language: pick(["C#", "Go", "Python", "TypeScript", null]; $i),
    forks_count: ($i % 17),
    open_issues_count: ($i % 9),
    license: (if $i % 4 == 0 then null else {key: "mit", name: "MIT License", spdx_id: "MIT"} end),
    topics: (["payments", "pci", "dotnet", "internal"] | .[0:($i % 4)]),
    visibility: (if $i % 3 == 0 then "private" else "public" end),
    default_branch: "main",
    archived: ($i % 11 == 0),
    disabled: false
  }
