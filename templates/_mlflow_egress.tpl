    {# What every MLflow pod reaches (tracking, scheduler, gc): DNS, the database, the object store. #}
{% include "_dns.tpl" %}
{% if w.db.internal %}
    - to:
        - podSelector:
            matchLabels: {{ selector("postgresql") }}
      ports:
        - {port: {{ ports.postgres }}, protocol: TCP}
{% else %}
    - ports:
        - {port: {{ w.db.port }}, protocol: TCP}
{% if values.networkPolicy.externalDatabaseTo %}
      to: {{ values.networkPolicy.externalDatabaseTo }}
{% endif %}
{% endif %}
{% if values.services.minio.enabled or values.services.versitygw.enabled %}
    - to:
        - podSelector:
            matchLabels: {{ selector("minio" if values.services.minio.enabled else "versitygw") }}
      ports:
        - {port: {{ w.s3.port }}, protocol: TCP}
{% else %}
    - ports:
        - {port: {{ w.s3.port }}, protocol: TCP}
{% if values.networkPolicy.externalS3To %}
      to: {{ values.networkPolicy.externalS3To }}
{% endif %}
{% endif %}
{% for rule in w.s3.extra_egress %}
    - {{ rule }}
{% endfor %}
