#!/usr/bin/perl
# make-geoip.pl [OUTDIR] - small MaxMind DB files for netlens' GeoIP tests
# (Debian: libmaxmind-db-writer-perl), in the layout of GeoLite2 Country,
# ASN and City, placing the addresses the tests use:
#   10.231.0.2, fd00:231::2 (the integration tests' server)  DE / AS64500 / Berlin
#   10.231.9.2, fd00:231::9:2 (tests/captures/linktypes)      JP / AS64501 / Tokyo
#   192.0.2.20 (tui-hostile)   a city and AS name full of escape sequences
# Private and documentation ranges are kept (remove_reserved_networks => 0).
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = $ARGV[0] // do { my $d = $0; $d =~ s{[^/]*$}{}; ($d || './') . 'geoip' };
my %types = (
	country => 'map', city => 'map', postal => 'map', names => 'map',
	iso_code => 'utf8_string', en => 'utf8_string', code => 'utf8_string',
	autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
);
my @places = (
	[ [ '10.231.0.2/32', 'fd00:231::2/128' ], 'DE', 'Germany', 64500, 'Example Carrier GmbH', 'Berlin', '10115' ],
	[ [ '10.231.9.2/32', 'fd00:231::9:2/128' ], 'JP', 'Japan', 64501, 'Example Networks K.K.', 'Tokyo', '100-0001' ],
	[ [ '192.0.2.20/32' ], 'FR', "Fr\x{1b}[2Jance", 64502, "Evil\x{1b}]0;pwned\x{07} AS", "Pa\x{1b}[31mris", '75001' ],
);

sub tree {
	my ($type) = @_;
	return MaxMind::DB::Writer::Tree->new(
		ip_version => 6, record_size => 24, database_type => $type, languages => ['en'],
		description => { en => "netlens test $type" }, map_key_type_callback => sub { $types{ $_[0] } },
		remove_reserved_networks => 0, alias_ipv6_to_ipv4 => 1,
	);
}

my %t = (country => tree('GeoLite2-Country'), asn => tree('GeoLite2-ASN'), city => tree('GeoLite2-City'));
for my $p (@places) {
	my ($nets, $cc, $cn, $asn, $org, $city, $postal) = @$p;
	for my $n (@$nets) {
		$t{country}->insert_network($n, { country => { iso_code => $cc, names => { en => $cn } } });
		$t{asn}->insert_network($n, { autonomous_system_number => $asn, autonomous_system_organization => $org });
		$t{city}->insert_network($n, { country => { iso_code => $cc, names => { en => $cn } },
					      city => { names => { en => $city } }, postal => { code => $postal } });
	}
}
mkdir $out unless -d $out;
for my $k (sort keys %t) {
	open my $fh, '>:raw', "$out/$k.mmdb" or die "$out/$k.mmdb: $!";
	$t{$k}->write_tree($fh);
	close $fh or die "$out/$k.mmdb: $!";
}
