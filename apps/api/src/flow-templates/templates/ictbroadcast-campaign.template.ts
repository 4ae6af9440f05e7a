import { connectionPlaceholder, edges, node, type FlowTemplate } from '../flow-template.types';
import { sampleCampaign, sampleContact, sampleEndedCall, sampleEvent } from './sample-parts';

/**
 * ICTBroadcast's integration add-on in campaigns (seed 001, in Italian): "consente
 * all'amministratore / utente di ICTBroadcast di configurare campagne per pubblicare o inviare
 * eventi relativi alle chiamate a sistemi remoti … utilizzando i token di chiamata e contatto",
 * and "integeration può essere utilizzato nelle campagne di integrazione". A campaign's dialer
 * pushes one `campaign.contact` event per contact called; this flow sends each to the remote as an
 * HTTP request ("Richiesta dati … XML or JSON": here XML; "Richiedi intestazioni": one header per
 * line), with the contact, the call and the campaign as tokens.
 */
export const ictbroadcastCampaignPush: FlowTemplate = {
  id: 'ictbroadcast-campaign-push',
  name: "ICTBroadcast: push each campaign contact's result",
  system: 'ICTBroadcast',
  description:
    'For every contact a campaign calls (campaign.contact events), POSTs the result to the remote as XML built from ' +
    'campaign, contact and call tokens ' +
    '(<campaignResult> with <campaign>, <contact>, <call>, <event>), with ICTBroadcast-style raw headers; at most ' +
    '20 at once, 3 tries on a 5xx. ' +
    "Narrow it to some campaigns with the trigger's campaignIds.",
  requires: {
    connections: [
      {
        purpose: 'remote',
        type: 'any',
        description:
          'The remote application receiving the campaign results. Field `baseUrl`; its auth (basic, ' +
          'bearer, api_key …) is applied to the request.',
        fields: ['baseUrl'],
      },
    ],
  },
  definition: {
    schemaVersion: 1,
    sampleInput: {
      contact: sampleContact,
      campaign: sampleCampaign,
      call: { ...sampleEndedCall, direction: 'out' },
      event: sampleEvent('campaign.contact', 'evt-7001', '2026-01-15T09:34:41Z'),
    },
    nodes: [
      node(
        'trigger',
        'trigger.campaign',
        'campaign_contact',
        0,
        0,
        { events: ['campaign.contact'], maxConcurrentRuns: 20 },
        'One run per contact; at most 20 pushes in flight across all workers, so a large campaign does not flood ' +
          'the remote.',
      ),
      node(
        'push',
        'http',
        'push_result',
        1,
        0,
        {
          method: 'POST',
          url: '{{{connection.baseUrl}}}/campaign-results?campaign_id={{campaign.id}}&contact_id={{contact.id}}',
          connectionId: connectionPlaceholder('remote'),
          rawHeaders: 'X-Integration: ICTBroadcast\nX-Campaign-Id: {{campaign.id}}',
          body: {
            type: 'xml',
            template: [
              '<?xml version="1.0" encoding="UTF-8"?>',
              '<campaignResult>',
              '  <campaign id="{{campaign.id}}">{{campaign.name}}</campaign>',
              '  <contact id="{{contact.id}}">',
              '    <phone>{{contact.phone}}</phone>',
              '    <firstName>{{contact.firstName}}</firstName>',
              '    <lastName>{{contact.lastName}}</lastName>',
              '    <email>{{contact.email}}</email>',
              '  </contact>',
              '  <call id="{{call.id}}">',
              '    <status>{{call.status}}</status>',
              '    <disposition>{{call.disposition}}</disposition>',
              '    <startedAt>{{call.startedAt}}</startedAt>',
              '    <endedAt>{{call.endedAt}}</endedAt>',
              '    <durationSec>{{default call.durationSec 0}}</durationSec>',
              '  </call>',
              '  <event id="{{event.id}}" at="{{event.at}}"/>',
              '</campaignResult>',
            ].join('\n'),
          },
          retry: { attempts: 3, backoffMs: 500 },
        },
        "Edit the path and the XML to the remote's format; every {{token}} is XML-escaped.",
      ),
    ],
    edges: edges(['trigger', 'push']),
  },
};

export const ICTBROADCAST_CAMPAIGN_TEMPLATES = [ictbroadcastCampaignPush];
