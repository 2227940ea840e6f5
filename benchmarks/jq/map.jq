# A Port-style mapping: the entity a GitHub integration writes for each repository.
select(.archived | not)
| {
    identifier: .name,
    title: (.full_name // .name),
    blueprint: "service",
    properties: {
      url: .html_url,
      description: (.description // ""),
      language: (.language // "unknown"),
      stars: .stargazers_count,
      topics: (.topics | map(ascii_downcase)),
      owner: ("team-" + .owner.login),
      visibility: .visibility,
      license: (.license.spdx_id // null)
    },
    relations: {organization: .owner.login}
  }
