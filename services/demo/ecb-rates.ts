/**
 * The demo's exchange rates: an ECB reference-rate file (eurofxref-daily.xml, as the ECB publishes
 * it at https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml), kept as text in a module so
 * that the built seed (dist/) carries it. It has a rate for every currency a need line offers
 * first (rules/currencies.ts commonCurrencies), BGN at the rate the ECB published until Bulgaria
 * joined the euro area, so no demo statement waits for a rate. Read with the importer's own parser.
 */
export const demoEcbRatesXml = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender>
		<gesmes:name>European Central Bank</gesmes:name>
	</gesmes:Sender>
	<Cube>
		<Cube time='2026-12-04'>
			<Cube currency='USD' rate='1.1642'/>
			<Cube currency='JPY' rate='180.87'/>
			<Cube currency='BGN' rate='1.9558'/>
			<Cube currency='CZK' rate='24.212'/>
			<Cube currency='DKK' rate='7.4691'/>
			<Cube currency='GBP' rate='0.87330'/>
			<Cube currency='HUF' rate='382.45'/>
			<Cube currency='PLN' rate='4.2310'/>
			<Cube currency='RON' rate='5.0912'/>
			<Cube currency='SEK' rate='10.9615'/>
			<Cube currency='CHF' rate='0.9357'/>
			<Cube currency='ISK' rate='148.90'/>
			<Cube currency='NOK' rate='11.8025'/>
			<Cube currency='TRY' rate='49.4120'/>
			<Cube currency='AUD' rate='1.7604'/>
			<Cube currency='BRL' rate='6.2187'/>
			<Cube currency='CAD' rate='1.6289'/>
			<Cube currency='CNY' rate='8.2370'/>
			<Cube currency='HKD' rate='9.0612'/>
			<Cube currency='IDR' rate='19384.22'/>
			<Cube currency='ILS' rate='3.7905'/>
			<Cube currency='INR' rate='104.6825'/>
			<Cube currency='KRW' rate='1712.56'/>
			<Cube currency='MXN' rate='21.3470'/>
			<Cube currency='MYR' rate='4.8012'/>
			<Cube currency='NZD' rate='2.0221'/>
			<Cube currency='PHP' rate='68.513'/>
			<Cube currency='SGD' rate='1.5103'/>
			<Cube currency='THB' rate='37.248'/>
			<Cube currency='ZAR' rate='19.9861'/>
		</Cube>
	</Cube>
</gesmes:Envelope>
`;
