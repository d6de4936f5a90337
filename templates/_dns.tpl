    {# DNS, only to the cluster DNS pods (networkPolicy.dnsTo); 5353 is OpenShift's. #}
    - ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}
        - {port: 5353, protocol: UDP}
        - {port: 5353, protocol: TCP}
{% if values.networkPolicy.dnsTo %}
      to: {{ values.networkPolicy.dnsTo }}
{% endif %}
