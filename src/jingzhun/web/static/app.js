// Jingzhun dashboard: a small hash-routed page on our own API. No build step, no CDN.
(function () {
  "use strict";
  const I18N = window.JZ_I18N;
  let lang = localStorage.getItem("jz_lang") || "zh";
  let me = null, meta = null;
  const main = document.getElementById("main");

  const t = (k) => (I18N[lang] && I18N[lang][k]) || I18N.zh[k] || k;
  const L = (o) => (o ? (lang === "zh" ? (o.zh || o.label_zh || o.en) : (o.en || o.label_en || o.zh)) : "");
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "onclick" || k === "onchange" || k === "onsubmit") el[k] = v;
      else if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of kids.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const yuan = (fen) => (fen === null || fen === undefined ? "—" : (fen / 100).toLocaleString("zh-CN", { maximumFractionDigits: 0 }));
  const num = (v) => (v === null || v === undefined ? "—" : Number(v).toLocaleString("zh-CN"));
  const yn = (b) => (b === null || b === undefined ? "—" : b ? t("yes") : t("no"));

  async function api(path, opts) {
    const r = await fetch(path, Object.assign({ credentials: "same-origin", headers: { "Content-Type": "application/json" } }, opts || {}));
    if (r.status === 401) { me = null; location.hash = "#/login"; throw new Error("401"); }
    const body = r.status === 204 ? null : await r.json();
    if (!r.ok) { const e = new Error(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)); e.status = r.status; throw e; }
    return body;
  }

  function applyStatic() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
    document.getElementById("nav").hidden = !me;
    document.getElementById("logout").hidden = !me;
    document.getElementById("nav-audit").hidden = !(me && me.permissions.includes("audit"));
    document.getElementById("nav-quality").hidden = !(me && me.permissions.includes("quality"));
    document.getElementById("nav-plans").hidden = !(me && me.permissions.includes("lists"));
    document.getElementById("nav-scorecards").hidden = !(me && me.permissions.includes("overview"));
    document.getElementById("who").textContent = me ? `${me.display_name} · ${lang === "zh" ? me.role_zh : me.role_en}` : "";
    document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", location.hash.startsWith(a.getAttribute("href"))));
  }
  document.getElementById("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("jz_lang", lang); route(); };
  document.getElementById("logout").onclick = async () => { await api("/api/auth/logout", { method: "POST" }).catch(() => {}); me = null; location.hash = "#/login"; };

  // ---- pages -------------------------------------------------------------------------
  function loginPage() {
    const u = h("input", { id: "username", autocomplete: "username" }), p = h("input", { id: "password", type: "password", autocomplete: "current-password" });
    const err = h("p", { class: "error" });
    const form = h("form", { class: "card login", onsubmit: async (e) => {
      e.preventDefault();
      try {
        const r = await api("/api/auth/login", { method: "POST", body: JSON.stringify({ username: u.value, password: p.value }) });
        me = r.user; location.hash = "#/overview";
      } catch (x) { err.textContent = x.message; }
    } }, h("h2", {}, t("login.title")), h("label", {}, t("login.user")), u, h("label", {}, t("login.pass")), p,
      h("button", { class: "primary", type: "submit", id: "login-go" }, t("login.go")), err, h("p", { class: "muted" }, t("login.demo")));
    main.replaceChildren(form);
  }

  function kpis(tot) {
    const keys = ["households", "persons", "identified", "on_roll", "crosscheck", "warnings", "income"];
    return h("div", { class: "kpis" }, keys.filter((k) => k in tot).map((k) =>
      h("div", { class: "kpi", "data-kpi": k }, h("div", { class: "v" }, num(tot[k])), h("div", { class: "l" }, t("k." + k)))));
  }

  function childrenTable(children) {
    return h("table", { id: "children" },
      h("tr", {}, h("th", {}, t("col.area")), h("th", { class: "num" }, t("k.households")), h("th", { class: "num" }, t("k.identified")),
        h("th", { class: "num" }, t("k.crosscheck")), h("th", { class: "num" }, t("k.warnings")), h("th", { class: "num" }, t("k.income"))),
      children.map((c) => h("tr", {}, h("td", {}, h("a", { class: "link", href: `#/area/${c.code}`, "data-area": c.code }, c.name)),
        h("td", { class: "num" }, num(c.households)), h("td", { class: "num" }, num(c.identified)), h("td", { class: "num" }, num(c.crosscheck)),
        h("td", { class: "num" }, num(c.warnings)), h("td", { class: "num" }, num(c.income)))));
  }

  let chart = null, geoLoaded = false;
  async function drawMap(el, ov) {
    if (!window.echarts) { el.replaceChildren(h("p", { class: "error" }, "ECharts missing: run scripts/setup.sh")); return; }
    if (!geoLoaded) {
      const gj = await fetch("/static/maps/guizhou_counties.json").then((r) => r.json());
      echarts.registerMap("guizhou", gj); geoLoaded = true;
    }
    if (chart) chart.dispose();
    chart = echarts.init(el, null, { renderer: "canvas" });
    window.jzMap = chart;
    const vals = ov.counties.map((c) => c.value || 0);
    const names = Object.fromEntries(ov.counties.map((c) => [c.code, c.name]));
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${names[p.name] || p.name}<br>${L(ov.indicator)}: ${p.value === undefined || isNaN(p.value) ? "—" : num(p.value)}` },
      visualMap: { min: 0, max: Math.max(1, ...vals), left: 8, bottom: 8, text: [lang === "zh" ? "高" : "high", lang === "zh" ? "低" : "low"],
        inRange: { color: ["#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"] }, calculable: true },
      series: [{ type: "map", map: "guizhou", roam: true, selectedMode: false, itemStyle: { borderColor: "#999", areaColor: "#eee" },
        emphasis: { label: { show: true, formatter: (p) => names[p.name] || "" } },
        data: ov.counties.map((c) => ({ name: c.code, value: c.value })) }],
    });
    chart.on("click", (p) => { if (names[p.name]) location.hash = `#/area/${p.name}`; });
  }

  async function overviewPage() {
    const ind = sessionStorage.getItem("jz_ind") || "identified";
    const ov = await api(`/api/overview?indicator=${ind}`);
    const sel = h("select", { id: "indicator", onchange: (e) => { sessionStorage.setItem("jz_ind", e.target.value); route(); } },
      Object.entries(meta.indicators).map(([k, v]) => h("option", { value: k, selected: k === ind }, L(v))));
    const mapEl = h("div", { id: "map" });
    let below = h("p", { class: "muted" }, "");
    if (me.permissions.includes("lists") || ov.area.level !== "county") {
      try { const a = await api(`/api/areas/${ov.area.code}`); below = childrenTable(a.children); } catch (e) { below = h("p", { class: "muted" }, e.message); }
    }
    main.replaceChildren(
      h("div", { class: "card" }, h("h2", {}, `${ov.area.name} · ${t("ov.period")} ${ov.period || "—"}`), kpis(ov.totals)),
      h("div", { class: "grid2" },
        h("div", { class: "card" }, h("div", {}, h("b", {}, t("ov.map")), " ", t("ov.indicator"), " ", sel), mapEl),
        h("div", { class: "card" }, h("h3", {}, t("ov.children")), below)));
    await drawMap(mapEl, ov);
  }

  function crumbs(list) {
    const out = h("div", { class: "crumbs" });
    list.forEach((c, i) => { if (i) out.append(h("span", { class: "sep" }, "›")); out.append(h("a", { href: `#/area/${c.code}` }, c.name)); });
    return out;
  }

  function householdsTable(items) {
    return h("table", { id: "households" },
      h("tr", {}, h("th", {}, t("col.household")), h("th", {}, t("col.head")), h("th", {}, t("col.village")), h("th", { class: "num" }, t("col.size")),
        h("th", { class: "num" }, t("col.income")), h("th", {}, t("col.status")), h("th", {}, t("col.flags"))),
      items.map((r) => h("tr", {}, h("td", {}, h("a", { class: "link", href: `#/household/${r.household_id}`, "data-household": r.household_id }, r.household_id)),
        h("td", {}, r.head_name || "—"), h("td", {}, r.village_name), h("td", { class: "num" }, num(r.size)),
        h("td", { class: "num" }, yuan(r.per_capita_net_income_fen)), h("td", {}, r.status || "—"),
        h("td", {}, r.crosscheck ? h("span", { class: "tag" }, t("flag.crosscheck")) : null, r.warning ? h("span", { class: "tag" }, t("flag.warning")) : null))));
  }

  async function areaPage(code, page) {
    const a = await api(`/api/areas/${code}`);
    const parts = [h("div", { class: "card" }, crumbs(a.breadcrumbs), h("h2", {}, `${a.name} · ${a.period || ""}`), kpis(a.totals))];
    if (a.children.length) parts.push(h("div", { class: "card" }, h("h3", {}, t("ov.children")), childrenTable(a.children)));
    if (a.level === "village" || a.level === "township") {
      const off = (page || 0) * 50;
      try {
        const hh = await api(`/api/areas/${code}/households?limit=50&offset=${off}`);
        const nav = h("div", {}, off > 0 ? h("a", { class: "link", href: `#/area/${code}/${page - 1}` }, t("prev")) : null, " ",
          off + 50 < hh.total ? h("a", { class: "link", href: `#/area/${code}/${(page || 0) + 1}` }, t("next")) : null,
          h("span", { class: "muted" }, ` ${off + 1}–${Math.min(off + 50, hh.total)} / ${hh.total}`));
        parts.push(h("div", { class: "card" }, h("h3", {}, t("area.households")), householdsTable(hh.items), nav));
      } catch (e) { parts.push(h("p", { class: "muted" }, e.message)); }
    }
    main.replaceChildren(...parts);
  }

  function evidenceText(ev) { return ev ? JSON.stringify(ev, null, 1) : ""; }
  function rulesList(reasons) {
    return h("ul", {}, (reasons || []).map((r) => h("li", {}, L({ zh: r.label_zh, en: r.label_en }), r.reference ? h("span", { class: "muted" }, ` — ${r.reference}`) : null)));
  }

  async function crosscheckPage(finding) {
    const q = finding && finding !== "all" ? `&finding=${finding}` : "";
    const r = await api(`/api/crosscheck?limit=100${q}`);
    const names = { wrongly_included: { zh: "错评", en: "wrongly included" }, wrongly_missed: { zh: "漏评", en: "wrongly missed" },
      wrongly_exited: { zh: "错退", en: "wrongly exited" }, exit_due: { zh: "应退未退", en: "exit due" } };
    const tabs = h("div", { class: "tabs" }, h("button", { class: !q ? "on" : "", onclick: () => (location.hash = "#/crosscheck") }, `${t("cc.all")}`),
      Object.entries(names).map(([k, v]) => h("button", { class: finding === k ? "on" : "", onclick: () => (location.hash = `#/crosscheck/${k}`) }, `${L(v)} (${r.counts[k] || 0})`)));
    main.replaceChildren(h("div", { class: "card" }, h("h2", {}, `${t("nav.crosscheck")} · ${r.period || ""}`),
      h("p", {}, h("a", { class: "button", id: "cc-excel", href: `/api/exports/crosscheck.xlsx${q ? "?" + q.slice(1) : ""}` }, t("x.excel"))), tabs,
      h("table", { id: "crosscheck" }, h("tr", {}, h("th", {}, t("col.household")), h("th", {}, t("col.village")), h("th", {}, t("col.finding")), h("th", {}, t("col.evidence"))),
        r.items.map((x) => h("tr", {}, h("td", {}, h("a", { class: "link", href: `#/household/${x.household_id}` }, x.household_id)), h("td", {}, x.village_name),
          h("td", {}, L({ zh: x.label_zh, en: x.label_en })), h("td", {}, rulesList((x.evidence || {}).rules), h("pre", { class: "ev" }, evidenceText((x.evidence || {}).values))))))));
  }

  function simpleTable(rows, cols) {
    if (!rows || !rows.length) return h("p", { class: "muted" }, t("hh.none"));
    return h("table", {}, h("tr", {}, cols.map((c) => h("th", {}, c[1]))), rows.map((r) => h("tr", {}, cols.map((c) => h("td", {}, c[2] ? c[2](r[c[0]], r) : (r[c[0]] ?? "—"))))));
  }

  async function householdPage(id) {
    const f = await api(`/api/households/${id}`);
    const parts = [h("div", { class: "card" }, crumbs(f.areas), h("h2", { id: "hh-title" }, `${t("hh.title")} · ${id}`),
      h("p", {}, h("a", { class: "button", id: "hh-pdf", href: `/api/exports/households/${id}.pdf`, download: `household_${id}.pdf` }, t("x.pdf"))),
      simpleTable(f.members, [["name", t("hh.name")], ["sex", t("hh.sex"), (v, r) => L(r.sex_label) || v || "—"], ["birth_year", t("hh.birth")],
        ["relation_to_head", t("hh.relation"), (v, r) => L(r.relation_label) || v || "—"], ["id_number_masked", t("hh.id")], ["phone_masked", "☎"]]))];
    if (me.permissions.includes("sensitive")) {
      const purpose = h("input", { id: "purpose", placeholder: t("hh.purpose") });
      const out = h("div", {});
      parts.push(h("div", { class: "card" }, h("b", {}, t("hh.sensitive")), " ", purpose, " ",
        h("button", { onclick: async () => { try { const s = await api(`/api/households/${id}/sensitive`, { method: "POST", body: JSON.stringify({ purpose: purpose.value }) });
          out.replaceChildren(simpleTable(s.members, [["name", t("hh.name")], ["id_number", "ID"], ["phone", "☎"]])); } catch (e) { out.replaceChildren(h("p", { class: "error" }, e.message)); } } }, t("hh.show")), out));
    }
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.indicators")), simpleTable(f.indicators, [["period", t("ov.period")], ["size", t("col.size")],
      ["income_source", L((f.indicator_labels || {}).income_source) || "source", (v, r) => L(r.income_source_label) || "—"],
      ["per_capita_net_income_fen", t("col.income"), yuan], ["on_roll", t("k.on_roll"), yn], ["dibao", "低保 dibao", yn], ["housing_safe", "住房安全 housing", yn],
      ["serious_illness_member", "大病 illness", yn], ["oop_12m_fen", "自付医疗 OOP", yuan]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.decisions")), simpleTable(f.decisions, [["period", t("ov.period")], ["pack", "pack"],
      ["status", t("col.status"), (v, r) => L({ zh: r.status_label_zh, en: r.status_label_en })], ["reasons", t("col.evidence"), (v) => rulesList(v)]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.crosscheck")), simpleTable(f.crosscheck, [["period", t("ov.period")], ["finding", t("col.finding"), (v, r) => L({ zh: r.label_zh, en: r.label_en })]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.causes")), simpleTable(f.causes, [["period", t("ov.period")], ["primary_cause", t("hh.causes"), (v, r) => L({ zh: r.primary_label_zh, en: r.primary_label_en })], ["secondary_cause_1", t("hh.secondary"), (v, r) => [r.secondary_label_1, r.secondary_label_2].filter(Boolean).map(L).join("、") || "—"]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.warnings")), simpleTable(f.warnings, [["period", t("ov.period")], ["category", t("col.category"), (v, r) => L({ zh: r.category_zh, en: r.category_en })], ["due", t("col.due")], ["cadre_name", t("col.cadre")]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.case")), f.case ? h("p", {}, `#${f.case.id} · ${L({ zh: f.case.state_zh, en: f.case.state_en })} · ${t("col.due")} ${f.case.due}`) : h("p", { class: "muted" }, t("w.nocase"))));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.plans")), simpleTable(f.plans, [["period", t("ov.period")],
      ["primary_cause_zh", t("pl.cause")], ["allocated_zh", t("pl.allocated"), (v) => (v && v.length ? v.join("、") : "—")],
      ["allocated_cost_fen", t("pl.cost"), yuan], ["p_lift", t("pl.plift")]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.payments")), simpleTable(f.payments, [["pay_period", t("ov.period")], ["programme", "programme"], ["amount_fen", "元 yuan", yuan], ["bank_account", "账户 account"]])));
    parts.push(h("div", { class: "card" }, h("h3", {}, t("hh.anomalies")), simpleTable(f.fund_anomalies, [["pay_period", t("ov.period")], ["anomaly", t("col.finding"), (v, r) => L({ zh: r.label_zh, en: r.label_en })], ["amount_fen", "元 yuan", yuan]])));
    main.replaceChildren(...parts);
  }

  async function warningsPage() {
    const r = await api("/api/warnings?limit=30");
    const actionNames = { home_visit: { zh: "已入户核实", en: "Home visit done" }, village_appraisal: { zh: "村级评议", en: "Village appraisal" },
      publish_notice: { zh: "发布公示", en: "Publish notice" }, township_review: { zh: "乡镇审核", en: "Township review" },
      decide_monitored: { zh: "纳入监测", en: "Monitor" }, dismiss: { zh: "不纳入", en: "Dismiss" }, follow_up: { zh: "跟踪回访", en: "Follow up" }, clear_risk: { zh: "风险消除", en: "Clear risk" } };
    const cards = r.items.map((w) => {
      const note = h("textarea", { placeholder: t("w.note"), "data-note": w.household_id });
      const msg = h("div", { class: "muted" });
      const acts = (w.case ? w.case.actions : []).filter((a) => !["decide_monitored", "dismiss", "clear_risk"].includes(a) || me.role === "county");
      return h("div", { class: "card warn-card", "data-warning": w.household_id },
        h("div", {}, h("b", {}, L({ zh: w.category_zh, en: w.category_en })), " · ", h("a", { class: "link", href: `#/household/${w.household_id}` }, w.household_id), " · ", w.village_name),
        h("div", { class: "muted" }, `${t("col.due")} ${w.due} · ${t("col.cadre")} ${w.cadre_name || "—"} · ${t("col.state")}: `, h("span", { class: "state" }, w.case ? L({ zh: w.case.state_zh, en: w.case.state_en }) : t("w.nocase"))),
        h("ul", {}, (w.evidence || []).map((e) => h("li", {}, L({ zh: e.label_zh, en: e.label_en })))),
        w.case && me.permissions.includes("workflow") && acts.length ? [note, h("div", { class: "actions" }, acts.map((a) => h("button", { class: "primary", "data-action": a, onclick: async () => {
          try {
            const c = await api(`/api/cases/${w.case.id}/actions`, { method: "POST", body: JSON.stringify({ action: a, note: note.value || "-" }) });
            msg.textContent = `${t("w.done")}: ${L({ zh: c.state_zh, en: c.state_en })}`;
            w.case = c; note.value = "";
            const stateEl = document.querySelector(`[data-warning="${w.household_id}"] .state`); if (stateEl) stateEl.textContent = L({ zh: c.state_zh, en: c.state_en });
          } catch (e) { msg.textContent = e.message; }
        } }, L(actionNames[a] || { zh: a, en: a })))), msg] : null);
    });
    main.replaceChildren(h("h2", {}, `${t("w.title")} · ${r.period || ""} (${r.total})`),
      h("p", {}, h("a", { class: "button", id: "w-excel", href: "/api/exports/warnings.xlsx" }, t("x.excel"))), ...cards);
  }

  async function auditPage() {
    const v = await api("/api/audit/verify"), r = await api("/api/audit?limit=100");
    main.replaceChildren(h("div", { class: "card" }, h("h2", {}, t("nav.audit")), h("p", {}, `${t("audit.verify")}: `, h("b", { class: v.ok ? "" : "error" }, v.ok ? t("audit.ok") : t("audit.bad")), ` (${v.entries})`),
      v.problems.length ? h("ul", {}, v.problems.map((p) => h("li", { class: "error" }, p))) : null,
      simpleTable(r.items, [["id", "#"], ["at", "时间 at"], ["username", "用户 user"], ["action", "操作 action"], ["subject", "对象 subject"], ["purpose", t("hh.purpose")]])));
  }

  async function plansPage(area) {
    const r = await api(`/api/plans?limit=100${area ? "&area=" + area : ""}`);
    if (!r.computed) { main.replaceChildren(h("div", { class: "card" }, h("h2", {}, t("pl.title")), h("p", { class: "muted", id: "plans-none" }, t("pl.none")))); return; }
    const tot = r.totals;
    const cols = [["code", t("pl.area"), (v, x) => (x.code.length < 12 ? h("a", { class: "link", href: `#/plans/${x.code}`, "data-plan-area": x.code }, x.name) : x.name)],
      ["households", t("pl.households"), num], ["poor", t("pl.poor"), num], ["with_measure", t("pl.with"), num],
      ["allocated_cost_fen", t("pl.cost"), yuan], ["mean_p_lift", t("pl.plift")]];
    main.replaceChildren(
      h("div", { class: "card" }, h("h2", { id: "plans-title" }, `${t("pl.title")} · ${r.area.name} · ${r.period}`),
        h("div", { class: "kpis" }, [["pl.households", num(tot.households)], ["pl.poor", num(tot.poor)], ["pl.with", num(tot.with_measure)], ["pl.cost", yuan(tot.allocated_cost_fen)]]
          .map(([k, v]) => h("div", { class: "kpi" }, h("div", { class: "v" }, v), h("div", { class: "l" }, t(k))))),
        simpleTable(r.children, cols)),
      h("div", { class: "card" }, h("h3", {}, t("pl.measures")), simpleTable(r.measures, [["label_zh", t("pl.measures"), (v, x) => `${v} (${x.measure})`], ["households", t("pl.households"), num]])),
      h("div", { class: "card" }, h("h3", {}, `${t("pl.households")} (${r.total})`), simpleTable(r.items, [
        ["household_id", t("col.household"), (v) => h("a", { class: "link", href: `#/household/${v}` }, v)], ["village_name", t("col.village")],
        ["primary_cause_zh", t("pl.cause")], ["allocated_zh", t("pl.allocated"), (v) => (v && v.length ? v.join("、") : "—")],
        ["allocated_cost_fen", t("pl.cost"), yuan], ["p_lift", t("pl.plift")]])));
  }

  async function qualityPage() {
    const r = await api("/api/quality");
    const rows = Object.values(r.departments || {});
    main.replaceChildren(h("div", { class: "card" }, h("h2", { id: "quality-title" }, t("q.title")),
      simpleTable(rows, [["name_zh", t("q.dept"), (v, x) => L({ zh: x.name_zh, en: x.name_en })], ["rows_in", t("q.rows"), num],
        ["accepted", t("q.accepted"), num], ["quarantined", t("q.quarantined"), num],
        ["completeness", t("q.complete"), (v) => (v && v.overall !== undefined ? `${(100 * v.overall).toFixed(1)}%` : "—")],
        ["advice_zh", t("q.advice"), (v, x) => L({ zh: x.advice_zh, en: x.advice_en })]])));
  }

  async function scorecardsPage() {
    const r = await api("/api/scorecards");
    const f2 = (v) => (v === null || v === undefined ? "—" : Number(v).toFixed(1));
    main.replaceChildren(h("div", { class: "card" }, h("h2", { id: "scorecards-title" }, `${t("sc.title")}${r.period ? " · " + r.period : ""}`),
      r.computed ? simpleTable(r.items, [["name", t("pl.area"), (v, x) => `${v} (${x.area_code})`], ["level", t("sc.level")], ["composite", t("sc.composite"), f2],
        ["composite_low", t("sc.range"), (v, x) => `${f2(x.composite_low)} – ${f2(x.composite_high)}`], ["rank", t("sc.rank"), (v, x) => (v ? `${v} / ${x.peers}` : "—")],
        ["trend", t("sc.trend"), f2]]) : h("p", { class: "muted", id: "scorecards-none" }, t("sc.none"))));
  }

  async function openDataPage() {
    const cat = await api("/api/sharing/catalogue"), tables = await api("/api/sharing/open/tables");
    main.replaceChildren(
      h("div", { class: "card" }, h("h2", { id: "open-title" }, t("od.title")), h("h3", {}, t("od.tables")),
        tables.length ? simpleTable(tables, [["name", t("od.name")], ["label_zh", t("nav.overview"), (v, x) => L({ zh: x.label_zh, en: x.label_en }) || x.dataset || "—"],
          ["period", t("ov.period"), (v, x) => v || (x.periods ? `${x.periods[0]} – ${x.periods[x.periods.length - 1]}` : "—")],
          ["epsilon", "ε / suppression", (v, x) => (v !== undefined ? `ε = ${v}` : `${x.primary ?? 0} + ${x.secondary ?? 0}`)]]) : h("p", { class: "muted" }, t("od.none"))),
      h("div", { class: "card" }, h("h3", {}, `${t("od.catalogue")} (${cat.resources.length})`), simpleTable(cat.resources, [["code", t("od.code")],
        ["name_zh", t("od.name"), (v, x) => L({ zh: x.name_zh, en: x.name_en })], ["sharing_label", t("od.class")], ["openness_label", "开放 openness"]])));
  }

  // ---- router ------------------------------------------------------------------------
  async function route() {
    const parts = (location.hash || "#/overview").slice(2).split("/");
    if (!meta) meta = await api("/api/meta");
    if (!me && parts[0] !== "login") {
      try { me = await api("/api/auth/me"); } catch (e) { return; }
    }
    applyStatic();
    main.replaceChildren(h("p", { class: "muted" }, t("loading")));
    try {
      switch (parts[0]) {
        case "login": loginPage(); break;
        case "area": await areaPage(parts[1], Number(parts[2] || 0)); break;
        case "crosscheck": await crosscheckPage(parts[1]); break;
        case "household": await householdPage(parts[1]); break;
        case "warnings": await warningsPage(); break;
        case "audit": await auditPage(); break;
        case "plans": await plansPage(parts[1]); break;
        case "quality": await qualityPage(); break;
        case "scorecards": await scorecardsPage(); break;
        case "open": await openDataPage(); break;
        default: await overviewPage();
      }
    } catch (e) {
      if (e.message !== "401") main.replaceChildren(h("div", { class: "card error" }, e.status === 403 || e.status === 404 ? `${t("err.noaccess")}: ${e.message}` : e.message));
    }
    applyStatic();
  }
  window.addEventListener("hashchange", route);
  route();
})();
