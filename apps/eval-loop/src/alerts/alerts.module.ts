import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { AlertRulesController } from './api/alert-rules.controller.js';
import { AlertsController } from './api/alerts.controller.js';
import { AlertEvaluator } from './application/alert-evaluator.service.js';
import { DeliveryRelay } from './application/delivery-relay.service.js';
import { ManageAlertRules } from './application/manage-alert-rules.usecase.js';
import { ReadAlerts } from './application/read-alerts.usecase.js';
import { WebhookSender } from './application/webhook-sender.js';
import { AlertRuleRepository } from './persistence/alert-rule.repository.js';
import { AlertStateRepository } from './persistence/alert-state.repository.js';
import { DeliveryRepository } from './persistence/delivery.repository.js';

/** Alert rules, alert states with hysteresis, and the delivery of transitions to mp.alerts and webhooks. */
@Module({
  controllers: [AlertRulesController, AlertsController],
  providers: [
    TransactionRunner,
    AlertRuleRepository,
    AlertStateRepository,
    DeliveryRepository,
    AlertEvaluator,
    WebhookSender,
    DeliveryRelay,
    ManageAlertRules,
    ReadAlerts,
  ],
  exports: [AlertRuleRepository, AlertEvaluator, DeliveryRepository, DeliveryRelay],
})
export class AlertsModule {}
