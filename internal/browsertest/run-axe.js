// Runs axe-core on the page with the WCAG 2.1 A and AA rules and returns the
// violations in the shape of browsertest.Violation. Evaluated through the
// DevTools protocol after axe.min.js, so the page's CSP does not apply.
axe
  .run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    resultTypes: ["violations"],
  })
  .then((results) =>
    results.violations.map((v) => ({
      id: v.id,
      impact: v.impact || "",
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        // A target inside a shadow root is a list of selectors, one per root.
        target: n.target.map((s) => (Array.isArray(s) ? s.join(" >>> ") : String(s))),
        html: n.html,
        failureSummary: n.failureSummary || "",
      })),
    })),
  )
