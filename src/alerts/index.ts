/**
 * Alerting artefacts generated from the names in semconv.ts: Prometheus rules with validated
 * thresholds, and a Grafana dashboard over the same metrics. (Honeycomb and Jaeger material is static, checked by tests: examples/honeycomb, examples/jaeger.)
 */
export {
  renderPrometheusRules,
  prometheusRuleGroups,
  ALERTS,
  RECORDED,
  type RuleGroup,
  type RecordingRule,
  type AlertingRule,
} from './prometheus-rules';
export {
  resolveAlertThresholds,
  parseThresholdOverrides,
  AlertThresholdError,
  DEFAULT_ALERT_THRESHOLDS,
  type AlertThresholds,
  type AlertThresholdInput,
} from './thresholds';
export { promMetricName, selector, RULE_METRICS, DASHBOARD_METRICS, type PrometheusPath } from './prometheus-names';
export { grafanaDashboard, grafanaPanels, renderGrafanaDashboard, type DashboardPanel } from './grafana-dashboard';
