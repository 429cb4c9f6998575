// The conformance reports' public API in one include: load a run, write its reports, diff two runs.
#pragma once

#include "conformance/report/baseline_gate.h"  // check_against_baseline, baseline_text
#include "conformance/report/diff_html.h"  // diff_html, diff_html_section
#include "conformance/report/rule_evidence_html.h"  // rule_evidence_html, rule_evidence_html_section
#include "conformance/report/rule_evidence_text.h"  // rule_evidence_text
#include "conformance/report/html_report.h"  // html_report
#include "conformance/report/junit_xml.h"  // junit_xml
#include "conformance/report/kcidb.h"  // kcidb_from_run(s)
#include "conformance/report/run_diff.h"  // diff_runs, diff_text, diff_is_empty
#include "conformance/report/run_file.h"  // load_run, parse_run
#include "conformance/report/summary_text.h"  // summary_text
