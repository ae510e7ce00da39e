// Alert rules mirroring seed 001's alerting table row by row, as log search alerts (scheduled query rules) over
// the customMetrics table of Application Insights.
//
// Why log alerts and not metric alerts: the app exports with OpenTelemetry (Azure Monitor exporter), whose
// metrics land in customMetrics with their attributes in customDimensions. Metric alerts on such custom metrics
// see dimensions only when "custom metric dimensions" alerting is switched on per component, cannot divide one
// metric by another (handler error rate = errors / invocations), and cannot read our own quantile metric with
// its 'messaging.destination' split. KQL over customMetrics does all three, per consumer group, partition and
// handler, exactly as the seed's PromQL labels do.
//
// Counters are exported as deltas per export interval, so sum(valueSum) over a window is the seed's
// increase()/rate() numerator; gauges carry their observation in value.

@description('Resource id of the Application Insights component whose customMetrics the rules query.')
param appInsightsId string

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name prefix of the rules.')
param namePrefix string

@description('Action group resource id notified by every rule; empty for none.')
param actionGroupId string

@description('Create the rules enabled.')
param enabled bool

// Severities are Azure Monitor's: 0 critical, 1 error, 2 warning, 3 informational.
// One entry per row of seed 001's "Prometheus Alerting Rules". 'aggregation' is applied per dimension over the
// window: Minimum > threshold means the condition held for the whole window (the seed's 'for:'). Where the seed's
// condition is itself a rate over 5 minutes that must hold 'for: 5m', the rule evaluates that 5-minute rate every
// minute and fires only when 5 consecutive evaluations breach ('periods'), not on one 5-minute aggregate.
// Where the seed's expression keeps its labels (no sum by), the rule splits by the same dimensions.
var rules = [
  {
    key: 'consumer-lag-high'
    seedAlert: 'KafkaEventBusConsumerLagHigh'
    displayName: 'Kafka event bus: consumer lag > 10k for 5m'
    description: 'High consumer lag: a partition of a consumer group stayed more than 10,000 messages behind for 5 minutes.'
    severity: 2 // warning
    windowSize: 'PT5M'
    evaluationFrequency: 'PT1M'
    periods: 1
    query: '''
customMetrics
| where name == "kafka.eventbus.consumer.lag"
| project timestamp, Lag = value,
    ConsumerGroup = tostring(customDimensions["messaging.kafka.consumer_group"]),
    Topic = tostring(customDimensions["messaging.destination"]),
    Partition = tostring(customDimensions["messaging.kafka.partition"])
'''
    measure: 'Lag'
    aggregation: 'Minimum'
    dimensions: [
      'ConsumerGroup'
      'Topic'
      'Partition'
    ]
    operator: 'GreaterThan'
    threshold: 10000
  }
  {
    key: 'consumer-lag-critical'
    seedAlert: 'KafkaEventBusConsumerLagCritical'
    displayName: 'Kafka event bus: consumer lag > 100k for 5m'
    description: 'Critical consumer lag: consumers are falling behind by more than 100,000 messages for 5 minutes.'
    severity: 0 // critical
    windowSize: 'PT5M'
    evaluationFrequency: 'PT1M'
    periods: 1
    query: '''
customMetrics
| where name == "kafka.eventbus.consumer.lag"
| project timestamp, Lag = value,
    ConsumerGroup = tostring(customDimensions["messaging.kafka.consumer_group"]),
    Topic = tostring(customDimensions["messaging.destination"]),
    Partition = tostring(customDimensions["messaging.kafka.partition"])
'''
    measure: 'Lag'
    aggregation: 'Minimum'
    dimensions: [
      'ConsumerGroup'
      'Topic'
      'Partition'
    ]
    operator: 'GreaterThan'
    threshold: 100000
  }
  {
    key: 'disconnected'
    seedAlert: 'KafkaEventBusDisconnected'
    displayName: 'Kafka event bus: disconnected for 1m'
    description: 'A consumer group reported connections.active == 0 for a whole minute: it lost its connection to Kafka.'
    severity: 0 // critical
    windowSize: 'PT1M'
    evaluationFrequency: 'PT1M'
    periods: 1
    query: '''
customMetrics
| where name == "kafka.eventbus.connections.active"
| project timestamp, Connected = value,
    ConsumerGroup = tostring(customDimensions["messaging.kafka.consumer_group"])
'''
    measure: 'Connected'
    aggregation: 'Maximum'
    dimensions: [
      'ConsumerGroup'
    ]
    operator: 'LessThan'
    threshold: 1
  }
  {
    key: 'handler-error-rate'
    seedAlert: 'KafkaEventBusHandlerErrorRateHigh'
    displayName: 'Kafka event bus: handler error rate > 5% for 5m'
    description: 'A handler\'s errors divided by its invocations over 5 minutes stayed above 5% for 5 minutes (seed: errors / invocations, for: 5m).'
    severity: 2 // warning
    windowSize: 'PT5M'
    evaluationFrequency: 'PT1M'
    periods: 5
    query: '''
customMetrics
| where name in ("kafka.eventbus.handler.errors", "kafka.eventbus.handler.invocations")
| extend Handler = tostring(customDimensions["handler.name"])
| summarize Errors = sumif(valueSum, name == "kafka.eventbus.handler.errors"),
    Invocations = sumif(valueSum, name == "kafka.eventbus.handler.invocations") by Handler
| where Errors > 0
| extend ErrorRatePercent = iff(Invocations > 0, 100.0 * Errors / Invocations, 100.0)
'''
    measure: 'ErrorRatePercent'
    aggregation: 'Maximum'
    dimensions: [
      'Handler'
    ]
    operator: 'GreaterThan'
    threshold: 5
  }
  {
    key: 'publish-latency-p95'
    seedAlert: 'KafkaEventBusPublishLatencyHigh'
    displayName: 'Kafka event bus: publish p95 > 1s for 5m'
    description: 'The per-minute p95 of kafka.eventbus.publish.duration stayed above 1,000 ms for 5 minutes.'
    severity: 2 // warning
    windowSize: 'PT5M'
    evaluationFrequency: 'PT1M'
    periods: 1
    query: '''
customMetrics
| where name == "kafka.eventbus.publish.duration.p95"
| project timestamp, P95Ms = value,
    Destination = tostring(customDimensions["messaging.destination"])
'''
    measure: 'P95Ms'
    aggregation: 'Minimum'
    dimensions: [
      'Destination'
    ]
    operator: 'GreaterThan'
    threshold: 1000
  }
  {
    key: 'dlq-accumulating'
    seedAlert: 'KafkaEventBusDLQAccumulating'
    displayName: 'Kafka event bus: DLQ > 100 messages/h'
    description: 'More than 100 messages of one DLQ reason and error type were sent to the dead-letter queue in the last hour (the seed\'s increase() keeps dlq.reason and error.type apart).'
    severity: 2 // warning
    windowSize: 'PT1H'
    evaluationFrequency: 'PT5M'
    periods: 1
    query: '''
customMetrics
| where name == "kafka.eventbus.messages.dlq"
| project timestamp, DlqMessages = valueSum,
    Reason = tostring(customDimensions["dlq.reason"]),
    ErrorType = tostring(customDimensions["error.type"])
'''
    measure: 'DlqMessages'
    aggregation: 'Total'
    dimensions: [
      'Reason'
      'ErrorType'
    ]
    operator: 'GreaterThan'
    threshold: 100
  }
  {
    key: 'frequent-rebalances'
    seedAlert: 'KafkaEventBusFrequentRebalances'
    displayName: 'Kafka event bus: rebalances > 10/h'
    description: 'A consumer group rebalanced more than 10 times in the last hour.'
    severity: 2 // warning
    windowSize: 'PT1H'
    evaluationFrequency: 'PT5M'
    periods: 1
    query: '''
customMetrics
| where name == "kafka.eventbus.rebalances"
| project timestamp, Rebalances = valueSum,
    ConsumerGroup = tostring(customDimensions["messaging.kafka.consumer_group"])
'''
    measure: 'Rebalances'
    aggregation: 'Total'
    dimensions: [
      'ConsumerGroup'
    ]
    operator: 'GreaterThan'
    threshold: 10
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.key}'
    location: location
    tags: union(tags, { 'seed-001-alert': rule.seedAlert })
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: enabled
      scopes: [
        appInsightsId
      ]
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.aggregation
            metricMeasureColumn: rule.measure
            dimensions: [
              for dimension in rule.dimensions: {
                name: dimension
                operator: 'Include'
                values: [
                  '*'
                ]
              }
            ]
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: rule.periods
              minFailingPeriodsToAlert: rule.periods
            }
          }
        ]
      }
      actions: {
        actionGroups: empty(actionGroupId) ? [] : [
          actionGroupId
        ]
      }
    }
  }
]

@description('Names of the alert rules, in seed-001 order.')
output ruleNames string[] = [for (rule, i) in rules: alertRules[i].name]
